"""Stand-ins for the words of personal data: a keyed hash of the original picks a Faker-made word like it.

A word is replaced by one of the same script (a Faker locale chosen by its letters), starting
with the same letter where the vocabulary has one and about as long, in the same case; digits
by other digits. The same key and word always give the same stand-in, so repeated values stay
repeated and the distribution of first letters (what an alphabetical sort sees) is kept, while
the original is never chosen for itself.
"""

from __future__ import annotations

import functools
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
# Words by casefolded first letter ("" for all of them), then by length.
Vocabulary = dict[str, dict[int, tuple[str, ...]]]
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
# Faker draws per vocabulary: names are drawn often, so that a letter has many to choose from.
_DRAWS: Final = {"first": 4000, "last": 4000, "company": 800, "city": 800, "street": 800}
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
    """Stand-ins keyed by `key`; the Faker vocabularies are made on first use, one per locale and kind, and kept."""

    key: bytes
    _chosen: dict[tuple[str, str, str, str], str] = field(default_factory=dict)

    def digest(self, *context: str) -> str:
        """A keyed hash of `context`, from which it cannot be found without the key."""
        return hmac.new(self.key, "\x1f".join(context).encode(), hashlib.sha256).hexdigest()[:32]

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
        salt: str = "",
    ) -> str:
        """`text` with each word replaced (`kind`'s vocabulary; `first` for the first word) and its digits too.

        Words in `keep` (casefolded), such as legal forms, stay as they are; another `salt` gives
        other stand-ins.
        """
        pieces: list[str] = []
        position = 0
        for index, match in enumerate(WORD.finditer(text)):
            pieces.append(text[position : match.start()])
            token = match.group()
            if token.isdigit():
                pieces.append(self.digits(len(token), "digits", token, text, salt))
            elif token.casefold() in keep:
                pieces.append(token)
            else:
                pieces.append(self.word(token, first if first is not None and index == 0 else kind, locale, salt))
            position = match.end()
        pieces.append(text[position:])
        return "".join(pieces)

    def word(self, token: str, kind: str, locale: str | None = None, salt: str = "") -> str:
        """One word's stand-in: same script, same first letter if possible, about as long, same case.

        A single ASCII letter (an initial, `Apt 4B`'s `B`) stays; a short capitalised ASCII token (a
        postcode's `BT`, a `HS-` prefix) is a code rather than a word: its letters after the first
        are replaced one by one.
        """
        if len(token) == 1 and token.isascii():
            return token
        if token.isascii() and len(token) <= 3 and token.isupper():
            return self._code(token)
        locale = locale_for(token, locale)
        chosen = self._chosen.get((token, kind, locale, salt))
        if chosen is None:
            vocabulary = _make_vocabulary(locale, kind)
            chosen = self._chosen[(token, kind, locale, salt)] = self._choose(token, kind, vocabulary, salt)
        return chosen

    def _code(self, token: str) -> str:
        digits = self.digits(2 * len(token), "code", token)
        letters = [string.ascii_uppercase[int(digits[2 * i : 2 * i + 2]) % 26] for i in range(1, len(token))]
        replaced = token[0] + "".join(letters)
        return replaced if replaced != token else token[0] + "".join(reversed(letters))

    def _choose(self, token: str, kind: str, vocabulary: Vocabulary, salt: str) -> str:
        """A word of the same initial within a quarter of the length (or twice that), else any of the nearest length."""
        folded = token.casefold()
        length = len(token)
        close = max(1, length // 4)
        windows = (
            (folded[:1], close),
            (folded[:1], 2 * close),
            ("", close),
            *(("", width) for width in range(2 * close, 200)),
        )
        for initial, width in windows:
            by_length = vocabulary.get(initial)
            if not by_length:
                continue
            candidates = [
                word
                for size in range(length - width, length + width + 1)
                for word in by_length.get(size, ())
                if word.casefold() != folded
            ]
            if candidates:
                return _shaped(candidates[self.number(len(candidates), kind, token, salt)], token)
        return self.digits(length, "word", kind, token)  # an empty vocabulary: never the original


@functools.cache
def _make_vocabulary(locale: str, kind: str) -> Vocabulary:
    """Words Faker makes for `kind` in `locale`, by casefolded first letter ("" for all of them) and length."""
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
    words = sorted({token for _ in range(_DRAWS[kind]) for token in WORD.findall(draw()) if not token.isdigit()})
    grouped: dict[str, dict[int, list[str]]] = {}
    for word in words:
        for initial in ("", word.casefold()[:1]):
            grouped.setdefault(initial, {}).setdefault(len(word), []).append(word)
    return {initial: {size: tuple(group) for size, group in sizes.items()} for initial, sizes in grouped.items()}


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
