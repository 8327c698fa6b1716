"""Limit invariance, direction and partition hold for any order a database sorts strings in, and still catch breakage.

The server below sorts names as glibc's en_US or ICU's root collation do, which the kit's
default (code point) does not predict: the cross-traversal properties compare the server's own
sequences, so they must neither fail such a server nor let a broken one through.
"""

from __future__ import annotations

import dataclasses
import itertools
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from contract_tests.checks import agreement
from contract_tests.run.target import spec_document
from contract_tests.spec.collations import CollationError, collation
from contract_tests.spec.contract import Contract, contract_from_spec
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.transport.traversal import Traversal
from contract_tests.violations import ContractViolation

CONTRACT: Contract = contract_from_spec(spec_document())
STATUS = CONTRACT.filter("status")
NAMES = ("Obama", "O'Brien", "zara", "Zara", "Émile", "Emile", "emile", "Łukasz", "Lukas", "de la Cruz", "Dela", "Zoë")


def glibc_like(text: str) -> tuple[str, str, str]:
    """Punctuation and spaces ignored first, then accents, then lower case before upper: glibc's en_US in small."""
    letters = "".join(char for char in text if char.isalnum())
    base = "".join(
        char for char in unicodedata.normalize("NFD", letters.replace("Ł", "L").replace("ł", "l")) if char.isalnum()
    )
    return base.casefold(), letters.casefold(), text.swapcase()


def database_order(name: str) -> Callable[[str], Any]:
    """A string key: the hand-made glibc-like one, or a real collation of this machine (skipped when absent)."""
    if name == "glibc-like":
        return glibc_like
    try:
        key = collation(name).key
    except CollationError as error:
        pytest.skip(str(error))
    assert key is not None
    return key


def served(key: Callable[[str], Any], *, descending: bool = False) -> list[Item]:
    """Customers as the server lists them by firstName (ties by customerId in the same direction)."""
    customers = [
        {"customerId": f"cus_{index:02d}", "firstName": name, "status": ("active", "inactive")[index % 3 == 0]}
        for index, name in enumerate(NAMES * 2)
    ]
    return sorted(customers, key=lambda item: (key(item["firstName"]), key(item["customerId"])), reverse=descending)


def kit_order(descending: bool = False, **rules: Any) -> ListOrder:
    """The order the kit assumes by default: code point, which this server does not follow."""
    return ListOrder("firstName", descending, dataclasses.replace(CONTRACT.ordering, **rules))


def traversal(
    items: Sequence[Item], limit: int, *, descending: bool = False, cap: int | None = None, **rules: Any
) -> Traversal:
    pages = [list(items[start : start + limit]) for start in range(0, max(len(items), 1), limit)]
    shown = pages[:cap] if cap is not None else pages
    complete = cap is None or cap >= len(pages)
    built = tuple(
        {"customers": page, "count": len(page), "limit": limit, "hasMore": number < len(shown) or not complete}
        for number, page in enumerate(shown, 1)
    )
    return Traversal((), kit_order(descending, **rules), built, complete, CONTRACT)


ORDERS = ["glibc-like", "libc:en_US.UTF-8", "icu:und", "icu:en-US"]


def test_the_server_order_is_not_the_kits() -> None:
    listed = [item["firstName"] for item in served(glibc_like)]
    assert listed != sorted(listed)  # the premise: code point would call this server wrong
    assert listed.index("Obama") < listed.index("O'Brien")
    assert listed.index("zara") < listed.index("Zara")


@pytest.mark.parametrize("name", ORDERS)
def test_limit_invariance_holds_for_a_database_order(name: str) -> None:
    listed = served(database_order(name))
    whole = traversal(listed, 50)
    for limit, cap in ((1, None), (1, 5), (3, 2), (7, None), (5, 3)):
        agreement.check_agreement(whole, traversal(listed, limit, cap=cap), "limits")
        agreement.check_agreement(traversal(listed, limit, cap=cap), whole, "limits")
    agreement.check_agreement(traversal(listed, 1, cap=4), traversal(listed, 3, cap=1), "limits")


@pytest.mark.parametrize("name", ORDERS)
def test_direction_holds_for_a_database_order(name: str) -> None:
    key = database_order(name)
    ascending, descending = served(key), served(key, descending=True)
    agreement.check_agreement(traversal(ascending, 50), traversal(descending, 50, descending=True), "direction")
    agreement.check_agreement(traversal(ascending, 2, cap=3), traversal(descending, 50, descending=True), "direction")
    agreement.check_agreement(traversal(ascending, 50), traversal(descending, 3, descending=True, cap=2), "direction")
    # Capped at both ends: they meet in the middle, or not at all.
    agreement.check_agreement(
        traversal(ascending, 5, cap=3), traversal(descending, 5, descending=True, cap=3), "direction"
    )
    agreement.check_agreement(
        traversal(ascending, 2, cap=1), traversal(descending, 2, descending=True, cap=1), "direction"
    )


@pytest.mark.parametrize("name", ORDERS)
def test_partition_holds_for_a_database_order(name: str) -> None:
    listed = served(database_order(name))
    parts = {value: [item for item in listed if item["status"] == value] for value in STATUS.values}
    agreement.check_partition(
        traversal(listed, 4), STATUS, {value: traversal(part, 3) for value, part in parts.items()}
    )
    agreement.check_partition(
        traversal(listed, 4, cap=2), STATUS, {value: traversal(part, 2, cap=2) for value, part in parts.items()}
    )


def test_fixed_tie_direction_reverses_groups_not_ties() -> None:
    """With ties always ascending, descending reverses the groups of equal names and keeps each group's order."""
    key = database_order("glibc-like")
    ascending = served(key)
    groups = [list(group) for _, group in itertools.groupby(ascending, key=lambda item: item["firstName"])]
    descending = [item for group in reversed(groups) for item in group]
    rules: dict[str, Any] = {"tie_direction": "ascending"}
    agreement.check_agreement(
        traversal(ascending, 50, **rules), traversal(descending, 50, descending=True, **rules), "direction"
    )
    agreement.check_agreement(
        traversal(ascending, 50, **rules), traversal(descending, 3, descending=True, cap=3, **rules), "direction"
    )
    with pytest.raises(ContractViolation, match="order the same customers differently"):
        agreement.check_agreement(
            traversal(ascending, 50, **rules), traversal(ascending[::-1], 50, descending=True, **rules), "direction"
        )


# --- broken servers under a database order are still caught --------------------------------------


def test_a_capped_traversal_that_is_not_a_prefix_is_caught() -> None:
    listed = served(glibc_like)
    swapped = [*listed[:3], listed[4], listed[3], *listed[5:]]
    with pytest.raises(ContractViolation, match="order the same customers differently"):
        agreement.check_agreement(traversal(listed, 50), traversal(swapped, 2, cap=3), "limits")
    skipping = [*listed[:3], *listed[4:]]
    with pytest.raises(ContractViolation, match="do not hold the same customers"):
        agreement.check_agreement(traversal(listed, 50), traversal(skipping, 2, cap=3), "limits")


def test_a_descending_traversal_that_is_not_the_reverse_is_caught() -> None:
    listed = served(glibc_like)
    # Ties in the ascending direction although the spec says they follow the sort order.
    wrong_ties = sorted(listed, key=lambda item: glibc_like(item["firstName"]), reverse=True)
    assert wrong_ties != listed[::-1]
    with pytest.raises(ContractViolation, match="order the same customers differently"):
        agreement.check_agreement(traversal(listed, 50), traversal(wrong_ties, 50, descending=True), "direction")
    with pytest.raises(ContractViolation):
        agreement.check_agreement(traversal(listed, 50), traversal(wrong_ties, 4, descending=True, cap=2), "direction")


def test_a_part_out_of_the_unfiltered_order_is_caught() -> None:
    listed = served(glibc_like)
    active = [item for item in listed if item["status"] == "active"]
    inactive = [item for item in listed if item["status"] == "inactive"]
    resorted = sorted(active, key=lambda item: item["firstName"])  # code point, unlike the unfiltered list
    with pytest.raises(ContractViolation, match="status=active orders its customers unlike the unfiltered list"):
        agreement.check_partition(
            traversal(listed, 50), STATUS, {"active": traversal(resorted, 50), "inactive": traversal(inactive, 50)}
        )
    with pytest.raises(ContractViolation, match="status=inactive misses a customer"):
        agreement.check_partition(
            traversal(listed, 50), STATUS, {"active": traversal(active, 50), "inactive": traversal(inactive[1:], 50)}
        )


def test_the_hand_made_order_is_like_glibc() -> None:
    """When the machine has glibc's en_US, the small model above sorts these names as it does."""
    real = database_order("libc:en_US.UTF-8")
    assert sorted(NAMES, key=glibc_like) == sorted(NAMES, key=real)
