"""The documentation as the tests read it: a section of a page by its heading, and the code blocks in it.

Every test that runs an example of the documentation (the README and the pages under `docs/`)
finds it here, by the page and the heading a reader finds it under, so that what the suite runs
is what the reader copies. Headings inside code blocks (a shell comment, say) are not headings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

__all__ = ["DOCS", "EXAMPLE_BASE", "ROOT", "blocks", "headings", "lines", "read", "section"]

ROOT: Final = Path(__file__).resolve().parents[2]
DOCS: Final = ROOT / "docs"
EXAMPLE_BASE: Final = "http://127.0.0.1:8000"
"""Where the examples reach the mock (its default address): tests replace it with the address of theirs."""

_HEADING: Final = re.compile(r"^(#{1,6}) +(.*?) *#*$")
_FENCE: Final = re.compile(r"^(```+|~~~+)")


def read(path: str) -> str:
    """The text of a page, named from the repository's root (`README.md`, `docs/frontend.md`)."""
    return (ROOT / path).read_text(encoding="utf-8")


def headings(text: str) -> list[tuple[int, int, str]]:
    """`(line index, level, title)` of every heading of `text`, code blocks left out."""
    found = []
    fence: str | None = None
    for index, line in enumerate(text.splitlines()):
        opening = _FENCE.match(line)
        if opening and (fence is None or line.startswith(fence)):
            fence = opening[1] if fence is None else None
            continue
        heading = _HEADING.match(line)
        if fence is None and heading:
            found.append((index, len(heading[1]), heading[2]))
    return found


def section(path: str, title: str) -> str:
    """The text under the heading `title` of page `path`, up to the next heading of its level or above.

    Fails, saying so, when the page has no such heading or has it twice.
    """
    text = read(path)
    all_headings = headings(text)
    matches = [(index, level) for index, level, name in all_headings if name == title]
    assert len(matches) == 1, f"{path} has {len(matches)} headings {title!r}"
    ((start, level),) = matches
    end = next((index for index, other, _ in all_headings if index > start and other <= level), None)
    return "\n".join(text.splitlines()[start + 1 : end]) + "\n"


def blocks(text: str, language: str) -> list[str]:
    """The contents of the code blocks fenced as `language` in `text`, in order."""
    return re.findall(rf"^```{re.escape(language)}\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)


def lines(text: str, pattern: str) -> list[str]:
    """The lines of `text` matching the regular expression `pattern` from their start."""
    return [line for line in text.splitlines() if re.match(pattern, line)]
