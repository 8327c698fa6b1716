"""Faker-seeded, deterministic customer data.

Faker builds small pools of names, companies and addresses once per seed (calling Faker per
record is forty times slower); a `random.Random` seeded from `(seed, tenant)` then draws every
record from them. String seeds hash with SHA-512 and the draws used here are stable across
Python releases, so the same seed gives the same bytes on any machine.

The data deliberately holds what real data has and naive code breaks on: many ties in every
sort field, accented and non-Latin names, plus-addressed and mixed-case emails, optional fields
that are absent or `null`, customers created in bulk at the same instant.
"""

from __future__ import annotations

import random
import string
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from mockserver.customer import Customer
from mockserver.query import fold_email

# (Faker locale, share of customers, ISO country); non-Latin scripts included on purpose.
LOCALES: Final = (
    ("en_US", 30, "US"),
    ("en_GB", 12, "GB"),
    ("de_DE", 12, "DE"),
    ("fr_FR", 8, "FR"),
    ("es_ES", 6, "ES"),
    ("pl_PL", 5, "PL"),
    ("sv_SE", 4, "SE"),
    ("cs_CZ", 3, "CZ"),
    ("ja_JP", 4, "JP"),
    ("zh_CN", 3, "CN"),
    ("ru_RU", 3, "RU"),
    ("el_GR", 2, "GR"),
)
NOW: Final = datetime(2026, 11, 1, tzinfo=UTC)
FIRST_DAY: Final = datetime(2021, 1, 1, tzinfo=UTC)
# Bulk imports: every customer of one import shares its createdAt to the millisecond.
IMPORT_BATCHES: Final = tuple(
    datetime(year, month, 1, 9, 0, tzinfo=UTC) for year, month in ((2021, 3), (2022, 6), (2023, 9), (2025, 2))
)
DEVICE_PRICES_CENTS: Final = (1900, 2490, 2900, 2990, 3900, 4900, 5990, 7900, 9900, 14900)
DEVICE_COSTS_CENTS: Final = (18900, 24900, 32900, 44900, 59900, 89900)
FREE_MAIL: Final = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de", "web.de", "orange.fr")
PLUS_TAGS: Final = ("orders", "rentals", "flex", "2024", "billing", "test")
SEGMENTS: Final = ("smb", "mid-market", "enterprise", "education", "non-profit")
NOTES: Final = ("VIP – call before delivery", "Prefers email 📧", "Rechnung per Post", "請求書は英語で", "")
POOL_SIZE: Final = 40
_ID_ALPHABET: Final = string.digits + string.ascii_letters
_TRANSLITERATE: Final = str.maketrans(
    {"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "đ": "d", "ı": "i"}
)


@dataclass(frozen=True, slots=True)
class LocalePool:
    """Faker-made values of one locale that records are drawn from."""

    country: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    companies: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    postcodes: tuple[str, ...]
    admin_areas: tuple[str, ...]
    phones: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pools:
    locales: tuple[LocalePool, ...]
    weights: tuple[int, ...]
    user_names: tuple[str, ...]
    staff: tuple[str, ...]


def build_pools(seed: int) -> Pools:
    """Draw the value pools from Faker, seeded so that one seed always gives the same pools."""
    from faker import Faker  # imported here: serving a fixture file never pays for Faker

    locales = []
    for index, (locale, _, country) in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)

        def draw(method: Callable[[], str], size: int = POOL_SIZE) -> tuple[str, ...]:
            return tuple(method() for _ in range(size))

        admin = getattr(fake, "administrative_unit", None) or getattr(fake, "state", None)
        locales.append(
            LocalePool(
                country=country,
                first_names=draw(fake.first_name),
                last_names=draw(fake.last_name),
                companies=draw(fake.company, 20),
                streets=draw(fake.street_address, 20),
                cities=draw(fake.city, 20),
                postcodes=draw(fake.postcode, 20),
                admin_areas=draw(admin, 10) if admin else (),
                phones=draw(fake.phone_number, 20),
            )
        )
    english = Faker("en_US")
    english.seed_instance(seed)
    return Pools(
        locales=tuple(locales),
        weights=tuple(weight for _, weight, _ in LOCALES),
        user_names=tuple(english.user_name() for _ in range(POOL_SIZE)),
        staff=tuple(english.first_name().lower() for _ in range(6)),
    )


def generate_customers(seed: int, tenant: str, count: int, pools: Pools | None = None) -> list[Customer]:
    """`count` customers of `tenant`, the same for the same arguments on any machine."""
    return list(iter_customers(seed, tenant, count, pools))


def iter_customers(seed: int, tenant: str, count: int, pools: Pools | None = None) -> Iterator[Customer]:
    """The customers `generate_customers` returns, one at a time, so that none need be kept."""
    pools = pools or build_pools(seed)
    rng = random.Random(f"flexportal-mock:{seed}:{tenant}")
    maker = _CustomerMaker(rng, pools, tenant)
    for _ in range(count):
        yield maker.make()


class _CustomerMaker:
    def __init__(self, rng: random.Random, pools: Pools, tenant: str) -> None:
        self.rng = rng
        self.pools = pools
        self.tenant = tenant
        self.emails: set[str] = set()
        self.ids: set[str] = set()

    def make(self) -> Customer:
        rng = self.rng
        pool = rng.choices(self.pools.locales, weights=self.pools.weights)[0]
        first, last = rng.choice(pool.first_names), rng.choice(pool.last_names)
        business = rng.random() < 0.3
        company = rng.choice(pool.companies) if business else None
        active = rng.random() < 0.78
        created, batch = self._created_at()
        devices = self._devices(active, business)
        rentals = [self._id("sub_", 12) for _ in range(devices + rng.choice((0, 0, 0, 1, 1, 2, 3)))]
        orders = [self._id("ord_", 12) for _ in range(max(1, len(rentals) - rng.randint(0, 1)) + rng.randint(0, 2))]
        revenue = sum(rng.choice(DEVICE_PRICES_CENTS) for _ in range(devices))
        record: Customer = {
            "customerId": self._id("cus_", 16),
            "tenantId": self.tenant,
            "email": self._email(first, last, company),
            "firstName": first,
            "lastName": last,
            "customerType": "business" if business else "individual",
            "status": "active" if active else "inactive",
        }
        if business or rng.random() < 0.5:  # individuals: company absent or null
            record["company"] = company
        self._optional(record, "phone", lambda: rng.choice(pool.phones))
        record.update(
            totalOrders=len(orders),
            totalDevicesRented=devices,
            totalMonthlyRevenue=revenue / 100,
            orderIds=orders,
            rentalIds=rentals,
        )
        if batch or rng.random() < 0.95:  # records older than the field lack it
            record["createdBy"] = "import" if batch else self._created_by()
        self._optional(record, "customFields", self._custom_fields, null_share=0.0)
        billing = self._address(pool, first, last, company)
        self._optional(record, "lastBillingAddress", lambda: billing)
        self._optional(record, "lastShippingAddress", lambda: self._shipping(pool, billing, first, last, company))
        updated = created if rng.random() < 0.2 else created + (NOW - created) * rng.random()
        record["createdAt"] = _timestamp(created)
        record["updatedAt"] = _timestamp(updated)
        record.update(self._profitability(created, revenue, devices, len(rentals)))
        return record

    def _created_at(self) -> tuple[datetime, bool]:
        rng = self.rng
        if rng.random() < 0.08:
            return rng.choice(IMPORT_BATCHES), True
        span = int((NOW - FIRST_DAY).total_seconds())
        moment = FIRST_DAY + timedelta(seconds=rng.randrange(span))
        if rng.random() < 0.7:  # the rest fall on whole seconds, a common source of ties
            moment += timedelta(milliseconds=rng.randrange(1000))
        return moment, False

    def _devices(self, active: bool, business: bool) -> int:
        rng = self.rng
        if rng.random() < (0.35 if active else 0.8):
            return 0
        if business:
            return rng.choice((1, 2, 2, 3, 5, 8, 12, 25))
        return rng.choice((1, 1, 1, 2, 2, 3))

    def _email(self, first: str, last: str, company: str | None) -> str:
        rng = self.rng
        first_ascii, last_ascii = _ascii(first), _ascii(last)
        if not first_ascii or not last_ascii:  # a non-Latin name: people pick a handle instead
            first_ascii, last_ascii = rng.choice(self.pools.user_names), ""
        pattern = rng.randrange(5)
        local = {
            0: f"{first_ascii}.{last_ascii}",
            1: f"{first_ascii[:1]}{last_ascii}",
            2: f"{first_ascii}{last_ascii}{rng.randint(1, 99)}",
            3: f"{last_ascii}.{first_ascii}",
            4: f"{first_ascii}_{last_ascii}",
        }[pattern].strip("._") or first_ascii
        domain = rng.choice(FREE_MAIL)
        if company and rng.random() < 0.7:
            domain = (_ascii(company).lower()[:20] or "company") + rng.choice((".com", ".de", ".co.uk", ".io"))
        if rng.random() < 0.1:
            local = f"{local}+{rng.choice(PLUS_TAGS)}"
        if rng.random() < 0.12:  # mixed case, as people type it
            local = local.title()
            domain = domain.capitalize() if rng.random() < 0.5 else domain.upper()
        else:
            local = local.lower()
        email = f"{local}@{domain}"
        while fold_email(email) in self.emails:
            email = f"{local}{rng.randint(2, 9999)}@{domain}"
        self.emails.add(fold_email(email))
        return email

    def _id(self, prefix: str, length: int) -> str:
        while True:
            value = prefix + "".join(self.rng.choices(_ID_ALPHABET, k=length))
            if value not in self.ids:
                self.ids.add(value)
                return value

    def _optional(
        self,
        record: Customer,
        name: str,
        make: Callable[[], Any],
        *,
        null_share: float = 0.12,
        absent_share: float = 0.12,
    ) -> None:
        roll = self.rng.random()
        if roll < absent_share:
            return
        record[name] = None if roll < absent_share + null_share else make()

    def _created_by(self) -> str | None:
        roll = self.rng.random()
        if roll < 0.05:
            return None
        if roll < 0.2:
            return f"dashboard:{self.rng.choice(self.pools.staff)}@{self.tenant}.example"
        return "checkout"

    def _custom_fields(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.3:
            return {}
        fields: dict[str, Any] = {"segment": rng.choice(SEGMENTS), "newsletter": rng.random() < 0.5}
        if rng.random() < 0.5:
            fields["crmId"] = f"HS-{rng.randint(10000, 99999)}"
        if rng.random() < 0.3:
            fields["notes"] = rng.choice(NOTES)
        return fields

    def _address(self, pool: LocalePool, first: str, last: str, company: str | None) -> dict[str, Any]:
        rng = self.rng
        return {
            "contactName": f"{first} {last}",
            "streetAddress": rng.choice(pool.streets),
            "city": rng.choice(pool.cities),
            "country": pool.country,
            "company": company,
            "buildingInfo": rng.choice((None, None, None, "Apt 4B", "2nd floor", "Gebäude C", "Unit 12")),
            "locality": None,
            "adminArea": rng.choice(pool.admin_areas) if pool.admin_areas and rng.random() < 0.6 else None,
            "postalCode": rng.choice(pool.postcodes),
        }

    def _shipping(
        self, pool: LocalePool, billing: dict[str, Any], first: str, last: str, company: str | None
    ) -> dict[str, Any]:
        if self.rng.random() < 0.7:
            return dict(billing)
        return self._address(pool, first, last, company)

    def _profitability(self, created: datetime, revenue: int, devices: int, rentals: int) -> dict[str, Any]:
        rng = self.rng
        months = max(1.0, (NOW - created).days / 30.44)
        cost = sum(rng.choice(DEVICE_COSTS_CENTS) for _ in range(rentals))
        collected = int(revenue * months * rng.uniform(0.3, 1.0)) + (rentals - devices) * rng.randrange(0, 60000)
        margin = collected - cost
        return {
            "lifetimeCollected": collected / 100,
            "totalAcquisitionCost": cost / 100,
            "customerMargin": margin / 100,
            "customerMarginPercent": round(margin * 100 / collected, 2) if collected else None,
            "subscriptionsTracked": rentals,
            "costRecoveryPercent": round(collected * 100 / cost, 2) if cost else None,
            "averageMonthlyRevenue": round(collected / months / 100, 2),
            "devicesEver": rentals,
            "activeDevices": devices,
        }


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return "".join(char for char in decomposed if char in string.ascii_letters)
