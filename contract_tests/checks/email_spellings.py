"""Spellings of listed email addresses to look up, one Unicode case fold at a time, and what each must find.

A database folds case its own way: `lower()` maps the Kelvin sign to `k` but leaves the long
s alone; `casefold` maps `ß` to `ss`; Turkish rules treat dotted and dotless i apart. A probe
that swaps every letter for its Unicode twin at once rarely matches what one database folds,
so each fold is tried alone. Under the spec's rule (`x-filter` match) none of them names a
stored ASCII address, so a server must list nobody for them; the address itself, as listed,
must find its customer, non-ASCII ones too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from contract_tests.checks.invariants import matches
from contract_tests.spec.contract import Contract, Filter

__all__ = ["FOLDS", "Fold", "Lookup", "lookup_problem", "lookups"]

EMAIL_LOOKUP: Final = "email-lookup"
EMAIL_FOLD: Final = "email-fold"
PARTIAL_MATCH: Final = "email-partial-match"


@dataclass(frozen=True, slots=True)
class Fold:
    """Write `twin` for every `letters` (ASCII ones in either case): a spelling that some case folding undoes."""

    name: str
    letters: str
    twin: str

    def applied(self, email: str) -> str | None:
        """`email` with this fold, or None when it has none of the letters."""
        flags = re.IGNORECASE if self.letters.isascii() else 0
        spelled = re.sub(re.escape(self.letters), self.twin, email, flags=flags)
        return spelled if spelled != email else None


FOLDS: Final = (
    Fold("the Kelvin sign \u212a for k", "k", "\u212a"),  # lower() gives k
    Fold("the long s \u017f for s", "s", "\u017f"),  # upper() and casefold() give s
    Fold("the dotless \u0131 for i", "i", "\u0131"),  # upper() gives I
    Fold("the dotted \u0130 for i", "i", "\u0130"),  # lower() gives i plus a combining dot; some databases give i
    Fold("the sharp s \u00df for ss", "ss", "\u00df"),  # casefold() and upper() give ss
    Fold("the ligature \ufb01 for fi", "fi", "\ufb01"),  # casefold() gives fi
    Fold("the final sigma \u03c2 for \u03c3", "\u03c3", "\u03c2"),  # casefold() and upper() unite them
    Fold("the Angstrom sign \u212b for \u00e5", "\u00e5", "\u212b"),  # lower() gives \u00e5
    Fold("the micro sign \u00b5 for \u03bc", "\u03bc", "\u00b5"),  # casefold() and upper() give \u03bc
)


@dataclass(frozen=True, slots=True)
class Lookup:
    """Look up `spelling` of `owner`'s address; `kind` names the spelling, `finding_class` a wrong answer."""

    kind: str
    spelling: str
    owner: Mapping[str, Any]
    finding_class: str


def _swapped_ascii(email: str) -> str:
    return "".join(char.swapcase() if char.isascii() else char for char in email)


def _swapped_non_ascii(email: str) -> str | None:
    spelled = "".join(char.swapcase() if not char.isascii() else char for char in email)
    return spelled if spelled != email else None


def lookups(items: Sequence[Mapping[str, Any]], owner: Mapping[str, Any], field: str) -> list[Lookup]:
    """What to look up: `owner`'s address as listed and in other spellings, each fold once (on the first of
    `items` that has its letters), and every non-ASCII address of `items` as listed."""
    email = str(owner[field])
    found = [
        Lookup("an address as listed", email, owner, EMAIL_LOOKUP),
        Lookup("an address in the other ASCII case", _swapped_ascii(email), owner, EMAIL_LOOKUP),
        Lookup("an address without its last character", email[:-1], owner, PARTIAL_MATCH),
        Lookup("an address with a character added", email + "x", owner, PARTIAL_MATCH),
    ]
    found = [
        lookup for lookup in found if lookup.spelling and (lookup.kind == found[0].kind or lookup.spelling != email)
    ]
    candidates = [owner, *(item for item in items if item is not owner)]
    for fold in FOLDS:
        spelled = next(
            ((item, spelling) for item in candidates if (spelling := fold.applied(str(item[field]))) is not None), None
        )
        if spelled is not None:
            found.append(Lookup(fold.name, spelled[1], spelled[0], EMAIL_FOLD))
    swapped = next(((item, s) for item in candidates if (s := _swapped_non_ascii(str(item[field]))) is not None), None)
    if swapped is not None:
        found.append(Lookup("a non-ASCII letter in the other case", swapped[1], swapped[0], EMAIL_FOLD))
    found += [
        Lookup("a non-ASCII address as listed", str(item[field]), item, EMAIL_LOOKUP)
        for item in candidates
        if not str(item[field]).isascii()
    ]
    return found


def lookup_problem(
    status: int, listed: Sequence[Mapping[str, Any]], lookup: Lookup, rule: Filter, contract: Contract
) -> str | None:
    """What is wrong with the answer to `lookup` (a status and the customers listed), under the spec's `rule`."""
    if status != 200:
        return f"was answered {status}"
    if any(not matches(item, rule, lookup.spelling) for item in listed):
        return "listed a customer whose email does not match it"
    owner_id = lookup.owner[contract.id_property]
    if matches(lookup.owner, rule, lookup.spelling) and [item.get(contract.id_property) for item in listed] != [
        owner_id
    ]:
        return "did not list exactly the customer it names"
    return None
