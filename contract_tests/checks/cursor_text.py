"""The text inside a readable cursor: JSON, a URL query string (`o=1&p=...`), or delimited fields.

Servers spell cursors in a few common ways once decoded: JSON (most), a URL query string
(Django REST framework's cursor paginator: `o` an offset, `p` a position), or fields joined
by a delimiter (`createdAt|1709647330000000|cus_123`). These functions read such text into a
value the kit can edit (JSON as it is, a query string as a mapping of names to texts,
delimited text as a list of texts) and write an edited value back in the same form.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final, Literal
from urllib.parse import unquote_plus, urlencode

__all__ = ["Form", "read_text", "write_text"]

Form = Literal["json", "query", "text"]
# Delimiters of fields, in the order tried: a timestamp's ":" and an id's "_" or "-" are too common to come first.
DELIMITERS: Final = ("|", ";", ",", "\t", "~", ":")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]-]*")
# Shorter decoded text is too likely to be chance: random bytes that happen to be printable.
_MIN_TEXT: Final = 4


def read_text(text: str) -> tuple[Form, Any, str] | None:
    """The form of `text`, its editable content, and the delimiter of delimited text ("" otherwise)."""
    try:
        content = json.loads(text)
    except ValueError:
        pass
    else:
        # Structure, or a bare integer (an offset); a lone string or boolean is too likely to be chance.
        if isinstance(content, (dict, list)) or (isinstance(content, int) and not isinstance(content, bool)):
            return "json", content, ""
        return None
    if len(text) < _MIN_TEXT or not text.isprintable():
        return None
    query = _query(text)
    if query is not None:
        return "query", query, ""
    delimiter = next((candidate for candidate in DELIMITERS if candidate in text), None)
    if delimiter is None:
        return None
    fields = text.split(delimiter)
    if len(fields) < 2 or not any(fields):
        return None
    return "text", fields, delimiter


def _query(text: str) -> dict[str, str] | None:
    """`name=value&...` as a mapping, when every piece is a pair with a plausible name and no name repeats."""
    if "=" not in text:
        return None
    pairs = [piece.partition("=") for piece in text.split("&")]
    if not all(equals and _NAME.fullmatch(name) for name, equals, _ in pairs):
        return None
    content = {name: unquote_plus(value) for name, _, value in pairs}
    return content if len(content) == len(pairs) else None


def write_text(form: Form, content: Any, delimiter: str = "") -> str:
    """`content` spelled in `form`, as `read_text` reads it back."""
    if form == "json":
        return json.dumps(content, separators=(",", ":"), ensure_ascii=False)
    if form == "query":
        return urlencode({name: "" if value is None else str(value) for name, value in content.items()})
    return delimiter.join("" if value is None else str(value) for value in content)
