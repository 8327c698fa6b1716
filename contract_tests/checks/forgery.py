"""Cursors a client can read: what is inside one, edited, and spelled again exactly as the server spelled it.

Many servers make a cursor by base64-encoding JSON, a URL query string or delimited fields
(`cursor_text.py`), some with a signature after a separator, some with no encoding at all.
Such a cursor is only as safe as the server's check of it: one that never verifies it lets a
client resume at positions, under filters or as tenants it was never given. These functions
find the readable part of a cursor, list the values in it, and re-encode an edited copy in
the same form, alphabet and padding, every other part (a signature) kept unchanged, so that
the only thing wrong with the forgery is the edit.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from contract_tests.checks.cursor_text import Form, read_text, write_text

# Characters that join a payload to its signature (JWTs and most signed cursors use ".").
SEPARATORS: Final = (".", "~", ":", "|")
_BASE64: Final = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_STANDARD_ONLY: Final = frozenset("+/")
_URLSAFE_ONLY: Final = frozenset("-_")
# How many leading spaces to try when the original does not show which alphabet it uses.
_ALIGNMENTS: Final = 12

Scalar = str | int | float | bool | None
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ReadableCursor:
    """A cursor whose part `index` (of the parts joined by `separator`) holds `content` in `form`.

    The part is base64 of that text, or (`plain`) the text itself; `delimiter` joins the
    fields of delimited text.
    """

    parts: tuple[str, ...]
    separator: str
    index: int
    content: Any
    decoded_length: int
    form: Form = "json"
    delimiter: str = ""
    plain: bool = False

    @property
    def payload(self) -> str:
        return self.parts[self.index]

    @property
    def urlsafe(self) -> bool | None:
        """Which base64 alphabet the payload is in (None: its characters are common to both)."""
        if _URLSAFE_ONLY & set(self.payload):
            return True
        if _STANDARD_ONLY & set(self.payload):
            return False
        return None

    @property
    def padded(self) -> bool:
        return self.payload.endswith("=")


@dataclass(frozen=True, slots=True)
class Forgery:
    """`token` is the cursor with the value at `path` changed from `old` to `new`; `kind` says what that value is."""

    kind: str
    path: Path
    old: Scalar
    new: Scalar
    token: str

    def describe(self) -> str:
        where = "".join(f"[{step!r}]" for step in self.path) or "the whole cursor"
        return f"{self.kind} edited: {where} {self.old!r} -> {self.new!r}"


def _decode_part(part: str) -> tuple[Form, Any, str, int] | None:
    """What base64 `part` holds (form, content, delimiter) and its length in bytes, if it is readable."""
    if not _BASE64.fullmatch(part) or (_STANDARD_ONLY & set(part) and _URLSAFE_ONLY & set(part)):
        return None
    altchars = b"-_" if _URLSAFE_ONLY & set(part) else b"+/"
    unpadded = part.rstrip("=")
    try:
        raw = base64.b64decode(unpadded + "=" * (-len(unpadded) % 4), altchars=altchars, validate=True)
        read = read_text(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        return None
    return None if read is None else (*read, len(raw))


def _cursor(parts: tuple[str, ...], separator: str, index: int) -> ReadableCursor | None:
    decoded = _decode_part(parts[index])
    if decoded is None:
        return None
    form, content, delimiter, length = decoded
    return ReadableCursor(parts, separator, index, content, length, form, delimiter)


def read_cursor(token: str) -> ReadableCursor | None:
    """The readable part of `token`: base64 (either alphabet, padded or not) of JSON, a query string or
    delimited text, alone or beside a signature part; else the token itself when it is such text."""
    whole = _cursor((token,), "", 0)
    if whole is not None:
        return whole
    for separator in SEPARATORS:
        if separator not in token:
            continue
        parts = tuple(token.split(separator))
        readable = [(len(part), index) for index, part in enumerate(parts) if _decode_part(part) is not None]
        if readable:
            _, index = max(readable)
            return _cursor(parts, separator, index)
    plain = None if _BASE64.fullmatch(token) else read_text(token)
    if plain is None:
        return None
    form, content, delimiter = plain
    return ReadableCursor((token,), "", 0, content, len(token), form, delimiter, plain=True)


def leaves(content: Any, path: Path = ()) -> Iterator[tuple[Path, Scalar]]:
    """Every scalar inside `content`, with the keys and indexes that lead to it."""
    if isinstance(content, dict):
        for key, value in content.items():
            yield from leaves(value, (*path, key))
    elif isinstance(content, list):
        for index, value in enumerate(content):
            yield from leaves(value, (*path, index))
    else:
        yield path, content


def replaced(content: Any, path: Path, value: Scalar) -> Any:
    """A copy of `content` with the scalar at `path` set to `value`."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(content, dict):
        return {key: replaced(item, rest, value) if key == head else item for key, item in content.items()}
    return [replaced(item, rest, value) if index == head else item for index, item in enumerate(content)]


def encode(cursor: ReadableCursor, content: Any) -> str:
    """`cursor` with its readable part holding `content`, spelled as the original was.

    JSON is padded with spaces (insignificant in JSON) to the original's length modulo three,
    so the base64 text needs exactly the padding the original had; when the original shows no
    alphabet-specific character, leading spaces are tried until the text needs none either, so
    any decoder that read the original reads the forgery. A query string or delimited text
    cannot be padded: it is encoded in the original's alphabet (standard when it shows none).
    """
    text = write_text(cursor.form, content, cursor.delimiter).encode("utf-8")
    if cursor.plain:
        encoded = text.decode("utf-8")
    else:
        urlsafe = cursor.urlsafe
        encoded = ""
        for lead in range(_ALIGNMENTS if urlsafe is None and cursor.form == "json" else 1):
            body = text
            if cursor.form == "json":
                body = b" " * lead + text
                body += b" " * ((cursor.decoded_length - len(body)) % 3)
            encoded = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(body).decode("ascii")
            if urlsafe is not None or not (set(encoded) & (_STANDARD_ONLY | _URLSAFE_ONLY)):
                break
        if not cursor.padded:
            encoded = encoded.rstrip("=")
    parts = list(cursor.parts)
    parts[cursor.index] = encoded
    return cursor.separator.join(parts)


def _same(left: Scalar, right: Scalar) -> bool:
    return type(left) is type(right) and left == right


def forgeries(cursor: ReadableCursor, known: Sequence[tuple[str, Scalar, Scalar]]) -> list[Forgery]:
    """Edited copies of `cursor`: for each value in it, the edits `known` names, else a generic one.

    `known` holds (kind, value, replacement): a value the client recognises (its tenant, a
    filter value, the position it was given) and what to put in its place. An integer no entry
    names is taken for a position or an offset and moved on by one; any other unrecognised value
    is changed as well, so a readable cursor always yields at least one forgery.
    """
    found: list[Forgery] = []
    for path, value in leaves(cursor.content):
        edits = [(kind, new) for kind, old, new in known if _same(value, old) and not _same(value, new)]
        if not edits:
            edits = [_generic_edit(value)]
        for kind, new in edits:
            found.append(Forgery(kind, path, value, new, encode(cursor, replaced(cursor.content, path, new))))
    return [forgery for forgery in found if forgery.token != _original(cursor)]


def _generic_edit(value: Scalar) -> tuple[str, Scalar]:
    if isinstance(value, bool):
        return "a flag", not value
    if isinstance(value, int):
        return "a position", value + 1
    if isinstance(value, float):
        return "a position", value + 1.5
    if isinstance(value, str) and value.isdigit():
        return "a position", str(int(value) + 1)  # an offset in a query string or delimited text
    if isinstance(value, str):
        return "a value", value + "0" if value else "0"
    return "a value", 0


def _original(cursor: ReadableCursor) -> str:
    return cursor.separator.join(cursor.parts)
