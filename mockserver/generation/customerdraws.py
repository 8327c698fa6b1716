"""Generated customers as numbers: the columns drawn for a chunk of them, and what their codes mean.

`generator.py` draws these columns and `itemjson.py` encodes them; this is what both agree on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Final

import numpy as np
import numpy.typing as npt

from mockserver.generation.draws import Ints
from mockserver.generation.identifiers import ByteRows

__all__ = [
    "ABSENT",
    "ADDRESS_PARTS",
    "AddressDraws",
    "BUILDINGS",
    "CREATED_BY",
    "CustomerDraws",
    "NOTES",
    "NULL",
    "PRESENT",
    "SEGMENTS",
]

SEGMENTS: Final = ("smb", "mid-market", "enterprise", "education", "non-profit")
NOTES: Final = ("VIP – call before delivery", "Prefers email 📧", "Rechnung per Post", "請求書は英語で", "")
BUILDINGS: Final = (None, None, None, "Apt 4B", "2nd floor", "Gebäude C", "Unit 12")
CREATED_BY: Final = ("import", "checkout")  # then "dashboard:<staff>@<tenant>.example", one per staff member

# Codes of an optional value: absent, null, or (from PRESENT on) a value.
ABSENT: Final = 0
NULL: Final = 1
PRESENT: Final = 2
ADDRESS_PARTS: Final = ("street", "city", "postcode", "building", "admin")


@dataclass(frozen=True, slots=True)
class AddressDraws:
    """One address of each customer: `state` is ABSENT, NULL or PRESENT; the rest index pools."""

    state: Ints
    street: Ints  # into every locale's streets laid end to end; so are city and postcode
    city: Ints
    postcode: Ints
    building: Ints  # into BUILDINGS
    admin: Ints  # 0 for none, else 1 + an index into every locale's admin areas laid end to end


@dataclass(frozen=True, slots=True)
class CustomerDraws:
    """A chunk of customers as numbers: counts, instants in ms, flags, and codes into pools and tables.

    Names, companies and phones index every locale's pool laid end to end (locale × size +
    index); `company`, `phone`, `created_by` and `custom_fields` are codes (ABSENT, NULL, or
    PRESENT + an index). Order and rental identifiers are rows, customer by customer.
    """

    customer_ids: ByteRows
    locale: Ints
    first: Ints
    last: Ints
    business: npt.NDArray[np.bool_]
    active: npt.NDArray[np.bool_]
    company: Ints
    phone: Ints
    created_ms: Ints
    updated_ms: Ints
    devices: Ints
    rentals: Ints
    orders: Ints
    revenue_cents: Ints
    collected_cents: Ints
    cost_cents: Ints
    created_by: Ints  # PRESENT + index into CREATED_BY, then one per staff member
    custom_fields: Ints  # NULL means `{}`; PRESENT + (segment × 2 + newsletter) × 6 + note (0: none)
    crm_ids: Ints  # 0 for none
    billing: AddressDraws
    shipping: AddressDraws
    email_pattern: Ints
    email_number: Ints
    handle: Ints
    free_mail: Ints
    company_mail: npt.NDArray[np.bool_]
    company_tld: Ints
    plus_tag: Ints  # 0 for none, else 1 + index into PLUS_TAGS
    title_case: npt.NDArray[np.bool_]
    upper_domain: npt.NDArray[np.bool_]
    email_suffix: Ints
    order_ids: ByteRows
    rental_ids: ByteRows

    def __len__(self) -> int:
        return len(self.locale)

    def head(self, count: int) -> CustomerDraws:
        """The first `count` customers."""
        cut: dict[str, object] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "order_ids":
                cut[field.name] = value[: int(self.orders[:count].sum())]
            elif field.name == "rental_ids":
                cut[field.name] = value[: int(self.rentals[:count].sum())]
            elif isinstance(value, AddressDraws):
                cut[field.name] = AddressDraws(*(getattr(value, part.name)[:count] for part in fields(value)))
            else:
                cut[field.name] = value[:count]
        return replace(self, **cut)  # type: ignore[arg-type]
