"""String orders a list can be checked against: binary ones, ICU's, the C library's, or none assumed.

A collation is named as the spec's `x-ordering.stringCollation` or `--string-collation` name it:
`codepoint`, `utf16`, `ascii-case-insensitive`, `casefold`, `icu:<locale>` (ICU sort keys, what
PostgreSQL's ICU provider and most databases' Unicode collations compare; a BCP 47 tag, with
`-u-ks-level1`/`-u-ks-level2` for the accent- or case-insensitive ones), `libc:<locale>` (the
C library's `strxfrm`, what PostgreSQL's libc provider compares), a MySQL or MariaDB collation
by its server name (`utf8mb4_bin`, `utf8mb4_general_ci`, `utf8mb4_unicode_ci`,
`utf8mb4_uca1400_ai_ci`, `utf8mb4_0900_ai_ci`..., see `MYSQL`), or `any` (no string order
assumed; the kit then only requires one consistent order, see `order_evidence`).
"""

from __future__ import annotations

import locale
import os
import re
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final

from contract_tests.spec.mysql import general_ci_weights, padded

ANY: Final = "any"
COLLATIONS: Final[dict[str, Callable[[str], Any]]] = {
    # Unicode code points: what Python, Go, Rust and a binary database collation (`C`) compare.
    "codepoint": lambda text: text,
    # UTF-16 code units: JavaScript's default comparison (differs only outside the BMP).
    "utf16": lambda text: text.encode("utf-16-be"),
    # Only A-Z folded to a-z; everything else by code point. Folded-equal strings tie.
    "ascii-case-insensitive": lambda text: text.translate(
        str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
    ),
    # Full Unicode case folding ("Straße" == "STRASSE"); folded-equal strings tie, as in a
    # case-insensitive collation or `ORDER BY lower(name)`.
    "casefold": lambda text: text.casefold(),
}
# MySQL's and MariaDB's collations, by the names the servers give them. All but the `_nopad_`
# ones pad with spaces. The UCA ones are ICU's root order at primary strength (case and accents
# ignored), which is MariaDB's `uca1400_ai_ci` exactly; `unicode_ci` is UCA 4.0.0, where `Æ`,
# `Đ`, `Ħ`, `Ł` and `Ø` are letters of their own and characters beyond the BMP all weigh the
# same (ICU is tailored so; letters Unicode added or split later, such as Cyrillic ones with
# diacritics, still differ); `0900_ai_ci` is MySQL 8's UCA 9.0.0, modelled as ICU's root.
UNICODE_CI_RULES: Final = "&a < æ <<< Æ &d < đ <<< Đ &h < ħ <<< Ħ &l < ł <<< Ł &o < ø <<< Ø"
MYSQL: Final[dict[str, tuple[str, bool]]] = {
    # name: (model, pads with spaces)
    "utf8mb4_bin": ("codepoint", True),
    "utf8mb4_nopad_bin": ("codepoint", False),
    "utf8mb4_general_ci": ("general", True),
    "utf8mb4_general_nopad_ci": ("general", False),
    "utf8mb4_unicode_ci": ("unicode", True),
    "utf8mb4_unicode_nopad_ci": ("unicode", False),
    "utf8mb4_uca1400_ai_ci": ("uca", True),
    "utf8mb4_uca1400_nopad_ai_ci": ("uca", False),
    "uca1400_ai_ci": ("uca", True),
    "utf8mb4_0900_ai_ci": ("uca", False),
}
PROVIDERS: Final = ("icu", "libc")
# The C library's locales a failed order is also tried against, when installed.
LIBC_CANDIDATES: Final = ("en_US.UTF-8", "C.UTF-8")
# PostgreSQL names its ICU collations `<tag>-x-icu`; the tag is what ICU needs.
_PG_ICU_SUFFIX: Final = "-x-icu"
_LOCALE_LOCK = threading.Lock()


class CollationError(ValueError):
    """A collation the kit cannot use here: an unknown name, or its library or locale missing."""


@dataclass(frozen=True, slots=True)
class Collation:
    """A named string order: `key(text)` compares as the order does; None for `any` (no order assumed)."""

    name: str
    key: Callable[[str], Any] | None

    @property
    def assumed(self) -> bool:
        """Whether the kit knows this order (it does for every collation but `any`)."""
        return self.key is not None


def check_name(name: str) -> None:
    """Raise `CollationError` unless `name` is a collation name in the accepted form (nothing is loaded)."""
    if name == ANY or name in COLLATIONS or name in MYSQL:
        return
    provider, _, locale_name = name.partition(":")
    if provider in PROVIDERS and locale_name:
        return
    raise CollationError(
        f"unknown string collation {name!r}: use one of {', '.join([*COLLATIONS, ANY])},"
        f" a MySQL/MariaDB collation ({', '.join(MYSQL)}), icu:<locale> (e.g. icu:und, icu:en-US)"
        " or libc:<locale> (e.g. libc:en_US.UTF-8)"
    )


@cache
def collation(name: str) -> Collation:
    """The collation `name`, loaded once; `CollationError` when it cannot be used on this machine."""
    check_name(name)
    if name == ANY:
        return Collation(name, None)
    if name in COLLATIONS:
        return Collation(name, COLLATIONS[name])
    if name in MYSQL:
        key = _mysql_key(name)
        return Collation(name, lru_cache(maxsize=1 << 16)(key))
    provider, _, locale_name = name.partition(":")
    key = _icu_key(locale_name) if provider == "icu" else _libc_key(locale_name)
    # Real sort keys are dear to make and lists repeat names: keep the recent ones.
    return Collation(name, lru_cache(maxsize=1 << 16)(key))


def candidates(*requested: str) -> list[Collation]:
    """The known collations available here, to tell a user which one explains a server's order.

    ICU's root and its `en-US`, the C library's common locales, the locale this machine's
    environment names (as `libc:` and as `icu:`), MySQL's and MariaDB's, and those `requested`.
    """
    libc = [*LIBC_CANDIDATES]
    icu = ["icu:und", "icu:en-US"]
    here = environment_locale()
    if here is not None:
        libc.append(here)
        icu.append("icu:" + here.split(".", 1)[0].replace("_", "-"))
    mysql = [name for name in MYSQL if name != "uca1400_ai_ci"]  # utf8mb4_uca1400_ai_ci's other name
    names = [*COLLATIONS, *icu, *requested, *(f"libc:{name}" for name in libc), *mysql]
    found = []
    for name in dict.fromkeys(names):
        if name == ANY:
            continue
        try:
            found.append(collation(name))
        except CollationError:
            continue
    return found


def environment_locale() -> str | None:
    """The locale the environment collates in (`LC_ALL`, `LC_COLLATE`, `LANG`), unless it is C or POSIX."""
    for variable in ("LC_ALL", "LC_COLLATE", "LANG"):
        value = os.environ.get(variable)
        if value:
            return None if value.split(".", 1)[0] in ("C", "POSIX") else value
    return None


def _mysql_key(name: str) -> Callable[[str], Any]:
    model, pads = MYSQL[name]
    if model == "codepoint":
        return (lambda text: padded([ord(char) for char in text])) if pads else COLLATIONS["codepoint"]
    if model == "general":
        return (
            (lambda text: padded(general_ci_weights(text))) if pads else (lambda text: tuple(general_ci_weights(text)))
        )
    icu = _pyicu(name)
    collator = (
        icu.RuleBasedCollator(UNICODE_CI_RULES)
        if model == "unicode"
        else icu.Collator.createInstance(icu.Locale.getRoot())
    )
    space = _primaries(icu, collator, " ")

    def weights(text: str) -> list[int]:
        # UCA 4.0.0 as MariaDB implements it gives every character beyond the BMP one weight.
        return _primaries(icu, collator, _BEYOND_BMP.sub("\ufffd", text) if model == "unicode" else text)

    if pads:
        return lambda text: padded(weights(text), space=space[0])
    return lambda text: tuple(weights(text))


def _primaries(icu: Any, collator: Any, text: str) -> list[int]:
    """The primary weights of `text`'s collation elements (ignorables left out), in 16-bit units.

    Compared as sequences they order as ICU's primary strength does; unlike sort keys, they
    let PAD SPACE compare a string's end with the space weight.
    """
    elements = collator.createCollationElementIterator(text)
    found = []
    while (element := elements.next()) != icu.CollationElementIterator.NULLORDER:
        if primary := icu.CollationElementIterator.primaryOrder(element):
            found.append(primary)
    return found


_BEYOND_BMP: Final = re.compile("[\U00010000-\U0010ffff]")


def _pyicu(name: str) -> Any:
    try:
        import icu
    except ImportError:
        raise CollationError(
            f"{name} needs PyICU, which is not installed: pip install 'flexportal-mock[icu]'"
            " (it builds against the system's ICU: Debian's libicu-dev and pkg-config)"
        ) from None
    return icu


def _icu_key(tag: str) -> Callable[[str], Any]:
    icu = _pyicu(f"icu:{tag}")
    tag = tag.removesuffix(_PG_ICU_SUFFIX).replace("_", "-")
    try:
        where = icu.Locale.forLanguageTag(tag)
    except icu.ICUError:
        where = None
    root = tag.lower().split("-", 1)[0] in ("und", "root")
    language, country = (where.getLanguage(), where.getCountry()) if where is not None else ("", "")
    if where is None or not (root or language in icu.Locale.getISOLanguages()):
        raise CollationError(f"icu:{tag}: ICU knows no language in {tag!r} (use a BCP 47 tag such as und or en-US)")
    if country and country not in icu.Locale.getISOCountries():
        raise CollationError(f"icu:{tag}: ICU knows no region {country!r}")
    collator = icu.Collator.createInstance(where)
    if collator.getStrength() < icu.Collator.TERTIARY:
        # A tag asking for less (`-u-ks-level1`: no accents or case; `-u-ks-level2`: no case) makes
        # strings tie that differ, as MySQL's _ai_ci/_ci and PostgreSQL's nondeterministic
        # collations do: the tie-breaker orders them.
        return lambda text: collator.getSortKey(text)

    def key(text: str) -> tuple[bytes, str]:
        # Strings ICU finds equal are ordered by code point, as PostgreSQL's deterministic collations do.
        return collator.getSortKey(text), text

    return key


def _libc_key(name: str) -> Callable[[str], Any]:
    try:
        with _collating_in(name):
            pass
    except locale.Error:
        raise CollationError(
            f"libc:{name}: the C library has no locale {name!r} on this machine"
            " (`locale -a` lists those installed; Debian's locales-all package has them all)"
        ) from None

    def key(text: str) -> tuple[str, str]:
        with _collating_in(name):
            transformed = locale.strxfrm(text)
        # Strings strcoll finds equal are ordered by code point (their UTF-8 bytes), as PostgreSQL does.
        return transformed, text

    return key


@contextmanager
def _collating_in(name: str) -> Iterator[None]:
    """LC_COLLATE set to `name` for the block, then put back: the setting is global to the process."""
    with _LOCALE_LOCK:
        previous = locale.setlocale(locale.LC_COLLATE)
        try:
            locale.setlocale(locale.LC_COLLATE, name)
            yield
        finally:
            locale.setlocale(locale.LC_COLLATE, previous)
