"""Stand-ins for the words of personal data: a keyed hash of the original picks a Faker-made word like it.

A word is replaced by one of the same script (a Faker locale chosen by its letters), starting
with the same letter where the vocabulary has one and about as long, in the same case; digits
by other digits. The same key and word always give the same stand-in, so repeated values stay
repeated and the distribution of first letters (what an alphabetical sort sees) is kept, while
the original is never chosen for itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

__all__ = ["KINDS", "Pseudonyms", "ascii_word", "locale_for", "script_of"]

KINDS: Final = ("first", "last", "company", "city", "street")
WORD: Final = re.compile(r"[^\W\d_]+|\d+")
# The locale whose vocabulary stands in for a script other than Latin.
SCRIPT_LOCALES: Final = {
    "CYRILLIC": "ru_RU",
    "GREEK": "el_GR",
    "CJK": "zh_CN",
    "HIRAGANA": "ja_JP",
    "KATAKANA": "ja_JP",
    "HANGUL": "ko_KR",
    "ARABIC": "ar_AA",
    "HEBREW": "he_IL",
    "DEVANAGARI": "hi_IN",
    "THAI": "th_TH",
}
# Latin letters beyond ASCII that point at a language; the first found decides.
LATIN_HINTS: Final = (
    ("łŁąĄęĘśŚźŹżŻćĆńŃ", "pl_PL"),
    ("čČřŘšŠžŽěĚůŮťŤďĎňŇ", "cs_CZ"),
    ("åÅ", "sv_SE"),
    ("äÄöÖüÜß", "de_DE"),
    ("ñÑ", "es_ES"),
    ("éÉèÈêÊàÀçÇëËîÎïÏôÔûÛùÙœŒ", "fr_FR"),
    ("áÁíÍóÓúÚ", "es_ES"),
)
COUNTRY_LOCALES: Final = {
    "US": "en_US", "GB": "en_GB", "IE": "en_IE", "AU": "en_AU", "CA": "en_CA", "DE": "de_DE", "AT": "de_AT",
    "CH": "de_CH", "FR": "fr_FR", "BE": "fr_BE", "ES": "es_ES", "MX": "es_MX", "IT": "it_IT", "NL": "nl_NL",
    "PT": "pt_PT", "BR": "pt_BR", "PL": "pl_PL", "SE": "sv_SE", "DK": "da_DK", "NO": "no_NO", "FI": "fi_FI",
    "CZ": "cs_CZ", "SK": "sk_SK", "HU": "hu_HU", "RO": "ro_RO", "JP": "ja_JP", "CN": "zh_CN", "TW": "zh_TW",
    "KR": "ko_KR", "RU": "ru_RU", "UA": "uk_UA", "GR": "el_GR", "TR": "tr_TR", "IL": "he_IL", "IN": "en_IN",
}  # fmt: skip
DEFAULT_LOCALE: Final = "en_US"
_VOCABULARY: Final = 400
_TRANSLITERATE: Final = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "đ": "d"})


def script_of(text: str) -> str:
    """The script of the first letter of `text` (LATIN, CYRILLIC, CJK, ...), or "" without letters."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            return name.split(" ", 1)[0] if name else ""
    return ""


def locale_for(text: str, hint: str | None = None) -> str:
    """The Faker locale whose words look like `text`: `hint` if it writes its script, else by script and accents."""
    script = script_of(text)
    if hint is not None and script_of(_sample(hint)) == (script or "LATIN"):
        return hint
    if script in SCRIPT_LOCALES:
        return SCRIPT_LOCALES[script]
    for letters, locale in LATIN_HINTS:
        if any(char in letters for char in text):
            return locale
    return DEFAULT_LOCALE


def ascii_word(text: str) -> str:
    """`text` in ASCII letters and digits alone (accents dropped), as an email's local part takes it."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


@dataclass
class Pseudonyms:
    """Stand-ins keyed by `key`; the Faker vocabularies are made on first use, one per locale and kind."""

    key: bytes
    _vocabularies: dict[tuple[str, str], dict[str, tuple[str, ...]]] = field(default_factory=dict)
    _chosen: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def number(self, size: int, *context: str) -> int:
        """A number below `size`, the same for the same key and `context`."""
        message = "\x1f".join(context).encode()
        return int.from_bytes(hmac.new(self.key, message, hashlib.sha256).digest()[:8], "big") % size

    def digits(self, count: int, *context: str) -> str:
        """`count` decimal digits, the same for the same key and `context`."""
        message = "\x1f".join(context).encode()
        stream = ""
        block = 0
        while len(stream) < count:
            digest = hmac.new(self.key, message + b"\x1e" + str(block).encode(), hashlib.sha256).digest()
            stream += str(int.from_bytes(digest, "big")).zfill(78)[1:]
            block += 1
        return stream[:count]

    def words(
        self,
        text: str,
        kind: str,
        locale: str | None = None,
        *,
        first: str | None = None,
        keep: frozenset[str] = frozenset(),
    ) -> str:
        """`text` with each word replaced (`kind`'s vocabulary; `first` for the first word) and its digits too.

        Words in `keep` (casefolded), such as legal forms, stay as they are.
        """
        pieces: list[str] = []
        position = 0
        for index, match in enumerate(WORD.finditer(text)):
            pieces.append(text[position : match.start()])
            token = match.group()
            if token.isdigit():
                pieces.append(self.digits(len(token), "digits", token, text))
            elif token.casefold() in keep:
                pieces.append(token)
            else:
                pieces.append(self.word(token, first if first is not None and index == 0 else kind, locale))
            position = match.end()
        pieces.append(text[position:])
        return "".join(pieces)

    def word(self, token: str, kind: str, locale: str | None = None) -> str:
        """One word's stand-in: same script, same first letter if possible, about as long, same case.

        A short Latin token (`B`, `Apt 4B`'s `B`, a postcode's `BT`) is a code rather than a word:
        its letters are replaced one by one.
        """
        if token.isascii() and (len(token) <= 2 or (len(token) <= 3 and token.isupper())):
            return self._code(token)
        locale = locale_for(token, locale)
        chosen = self._chosen.get((token, kind, locale))
        if chosen is None:
            chosen = self._chosen[(token, kind, locale)] = self._choose(token, kind, self._vocabulary(locale, kind))
        return chosen

    def _code(self, token: str) -> str:
        digits = self.digits(2 * len(token), "code", token)
        letters = [string.ascii_lowercase[int(digits[2 * i : 2 * i + 2]) % 26] for i in range(len(token))]
        return "".join(new.upper() if old.isupper() else new for new, old in zip(letters, token, strict=True))

    def _choose(self, token: str, kind: str, vocabulary: dict[str, tuple[str, ...]]) -> str:
        folded = token.casefold()
        length = len(token)
        close = max(1, length // 4)
        initial = vocabulary.get(folded[:1], ())
        everything = vocabulary[""]
        for candidates in (
            [word for word in initial if abs(len(word) - length) <= close],
            list(initial),
            [word for word in everything if abs(len(word) - length) <= close],
            list(everything),
        ):
            candidates = [word for word in candidates if word.casefold() != folded]
            if candidates:
                chosen = candidates[self.number(len(candidates), kind, token)]
                return _shaped(chosen, token)
        return self.digits(length, "word", kind, token)  # an empty vocabulary: never the original

    def _vocabulary(self, locale: str, kind: str) -> dict[str, tuple[str, ...]]:
        """Words Faker makes for `kind` in `locale`, by casefolded first letter ("" for all of them)."""
        cached = self._vocabularies.get((locale, kind))
        if cached is None:
            cached = self._vocabularies[(locale, kind)] = _make_vocabulary(locale, kind)
        return cached


def _make_vocabulary(locale: str, kind: str) -> dict[str, tuple[str, ...]]:
    from faker import Faker  # imported here: the rest of the mock never pays for Faker's import

    try:
        fake = Faker(locale, providers=[f"faker.providers.{name}" for name in ("person", "company", "address")])
    except (AttributeError, ValueError):  # a locale this Faker does not have
        fake = Faker(DEFAULT_LOCALE)
    fake.seed_instance(0)  # the vocabulary is fixed; only the keyed hash picks from it
    draw: Callable[[], str] = {
        "first": fake.first_name,
        "last": fake.last_name,
        "company": fake.company,
        "city": fake.city,
        "street": fake.street_name,
    }[kind]
    words = sorted({token for _ in range(_VOCABULARY) for token in WORD.findall(draw()) if not token.isdigit()})
    by_initial: dict[str, list[str]] = {"": words}
    for word in words:
        by_initial.setdefault(word.casefold()[:1], []).append(word)
    return {initial: tuple(group) for initial, group in by_initial.items()}


def _shaped(word: str, like: str) -> str:
    """`word` in the case of `like`: all capitals, all small, or capitalised."""
    if len(like) > 1 and like.isupper():
        return word.upper()
    if like.islower():
        return word.lower()
    if like[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word


def _sample(locale: str) -> str:
    """A letter of the script `locale` writes in, for comparing scripts."""
    samples = {"ru_RU": "я", "uk_UA": "я", "el_GR": "α", "zh_CN": "中", "zh_TW": "中", "ja_JP": "中", "ko_KR": "한"}
    samples |= {"he_IL": "א", "ar_AA": "ا", "hi_IN": "क", "th_TH": "ก"}
    return samples.get(locale, "a")
