"""Emails as people have them: made from customers' names, unique per tenant case-insensitively."""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from mockserver.generation.customerdraws import PRESENT, CustomerDraws
from mockserver.generation.draws import Ints
from mockserver.generation.pools import Pools

__all__ = ["COMPANY_TLDS", "EmailMaker", "FREE_MAIL", "PATTERN_SEPARATORS", "PLUS_TAGS"]

FREE_MAIL: Final = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de", "web.de", "orange.fr")
COMPANY_TLDS: Final = (".com", ".de", ".co.uk", ".io")
PLUS_TAGS: Final = ("orders", "rentals", "flex", "2024", "billing", "test")
_TRANSLITERATE: Final = str.maketrans(
    {"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "đ": "d", "ı": "i"}
)

# Between the two names of a local part, by pattern; the third pattern appends a number instead.
PATTERN_SEPARATORS: Final = (b".", b"", b"", b".", b"_")
_INITIAL, _NUMBERED, _REVERSED = 1, 2, 3


class EmailMaker:
    """Emails as people have them, unique per tenant case-insensitively, made in the customers' order.

    A local part is two names (or an initial and a name) with a separator or a number, or a
    handle for a name with no Latin letters; some are plus-addressed, some typed in mixed case.
    They are assembled a column at a time as numpy byte strings from pieces prepared once in
    lower and in title case; only an email that an earlier customer has is made again, with a
    number.
    """

    def __init__(self, pools: Pools) -> None:
        first = [_ascii(name) for pool in pools.locales for name in pool.first_names]
        last = [_ascii(name) for pool in pools.locales for name in pool.last_names]
        self._latin_first = np.array([bool(name) for name in first])
        self._latin_last = np.array([bool(name) for name in last])
        # Name pieces, each in lower then title case: first names, initials, last names.
        self._names = _in_both_cases([*first, *(name[:1] for name in first), *last])
        self._handles = _in_both_cases(pools.user_names)
        self._tags = _in_both_cases(["", *(f"+{tag}" for tag in PLUS_TAGS)])
        self._numbers = np.array([b"", *(str(number).encode() for number in range(1, 100))])
        companies = [_ascii(company).lower()[:20] or "company" for pool in pools.locales for company in pool.companies]
        domains = [*FREE_MAIL, *(company + tld for company in companies for tld in COMPANY_TLDS)]
        self._domains = np.array(
            [case(domain).encode("ascii") for case in (str.lower, str.capitalize, str.upper) for domain in domains]
        )
        self._taken: set[bytes] = set()

    def emails(self, draws: CustomerDraws) -> list[bytes]:
        """The emails of `draws`' customers, ASCII, none of them taken by an earlier customer."""
        names = len(self._latin_first)
        case = draws.title_case.astype(np.int64)
        pattern = draws.email_pattern
        given = np.where(pattern == _INITIAL, names + draws.first, draws.first)
        family = 2 * names + draws.last
        first, last = np.where(pattern == _REVERSED, family, given), np.where(pattern == _REVERSED, given, family)
        named = np.strings.add(
            np.strings.add(_cased(self._names, first, case), np.asarray(PATTERN_SEPARATORS)[pattern]),
            _cased(self._names, last, case),
        )
        latin = self._latin_first[draws.first] & self._latin_last[draws.last]
        local = np.where(latin, named, _cased(self._handles, draws.handle, case))
        number = self._numbers[np.where(pattern == _NUMBERED, draws.email_number, 0)]
        local = np.strings.add(np.strings.add(local, number), _cased(self._tags, draws.plus_tag, case))
        own = draws.business & draws.company_mail
        company = len(FREE_MAIL) + (draws.company - PRESENT) * len(COMPANY_TLDS) + draws.company_tld
        domain_case = np.where(draws.title_case, np.where(draws.upper_domain, 2, 1), 0)
        domain = self._domains[domain_case * (len(self._domains) // 3) + np.where(own, company, draws.free_mail)]
        emails: list[bytes] = np.strings.add(np.strings.add(local, b"@"), domain).tolist()
        taken = self._taken
        for position, email in enumerate(emails):
            folded = email.lower()  # the API's fold, as these emails are ASCII
            if folded in taken:
                folded = self._renumbered(local[position], domain[position], int(draws.email_suffix[position]))
                emails[position] = folded
                folded = folded.lower()
            taken.add(folded)
        return emails

    def _renumbered(self, local: bytes, domain: bytes, number: int) -> bytes:
        """`local` with the first number from `number` on that makes an email nobody has."""
        while (email := b"%s%d@%s" % (local, number, domain)).lower() in self._taken:
            number += 1
        return email


def _in_both_cases(texts: Sequence[str]) -> npt.NDArray[np.bytes_]:
    """ASCII `texts` in lower case, then the same in title case, as numpy byte strings."""
    return np.array([case(text).encode("ascii") for case in (str.lower, str.title) for text in texts], dtype=np.bytes_)


def _cased(pieces: npt.NDArray[np.bytes_], index: Ints, title: Ints) -> npt.NDArray[np.bytes_]:
    """`pieces[index]`, in title case where `title` is 1 (see `_in_both_cases`)."""
    cased: npt.NDArray[np.bytes_] = pieces[title * (len(pieces) // 2) + index]
    return cased


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return "".join(char for char in decomposed if char in string.ascii_letters)
