"""What a run traversed: per property, how often each sort order, filter value and pair of filter values.

Every traversal a property makes is counted here, enumerated or drawn, so that the summary's
table shows what the run actually looked at, and the examples after the enumeration can go
to what was looked at least.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from contract_tests.spec.contract import Contract
from contract_tests.spec.coverage import Cell, cells, every_cell
from contract_tests.spec.queries import Query

# Cells shown in the table as one row each; pairs of filter values are shown as a count per property.
_ROW_KINDS = ("sort", "filter")


@dataclass
class Coverage:
    """Traversals per property and cell; `running` names the property whose traversals are being counted."""

    running: str | None = None
    counts: dict[str, Counter[Cell]] = field(default_factory=dict)
    # Per property, its enumerated examples: how many there are and those the budget left out.
    enumerated: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, list[str]] = field(default_factory=dict)

    def traversed(self, query: Query, contract: Contract) -> None:
        """Count a traversal of `query` for the property under way."""
        if self.running is not None:
            self.counts.setdefault(self.running, Counter()).update(cells(query, contract))

    def of(self, name: str) -> Counter[Cell]:
        return self.counts.setdefault(name, Counter())


def coverage_table(coverage: Coverage, contract: Contract) -> list[str]:
    """The summary's coverage table: a row per sort order and filter value, a column per property that traversed."""
    names = [name for name, counted in coverage.counts.items() if counted]
    if not names:
        return []
    headers = [name.removeprefix("test_") for name in names]
    everything = every_cell(contract)
    rows = [
        (_label(cell), [coverage.counts[name][cell] for name in names]) for cell in everything if cell[0] in _ROW_KINDS
    ]
    pairs = [cell for cell in everything if cell[0] == "pair"]
    width = max([len(label) for label, _ in rows] + [len("pairs of filter values")])
    widths = [max(len(header), 5) for header in headers]
    lines = [
        "coverage (traversals per sort order and filter value, by property; pairs of filter values traversed):",
        "    "
        + " " * width
        + "  "
        + "  ".join(f"{header:>{size}}" for header, size in zip(headers, widths, strict=True)),
    ]
    for label, counts in rows:
        shown = [str(count) if count else "." for count in counts]
        lines.append(
            f"    {label:<{width}}  " + "  ".join(f"{cell:>{size}}" for cell, size in zip(shown, widths, strict=True))
        )
    if pairs:
        covered = [f"{sum(1 for cell in pairs if coverage.counts[name][cell])}/{len(pairs)}" for name in names]
        lines.append(
            f"    {'pairs of filter values':<{width}}  "
            + "  ".join(f"{cell:>{size}}" for cell, size in zip(covered, widths, strict=True))
        )
    return lines


def left_out_lines(coverage: Coverage) -> list[str]:
    """One warning per property whose enumeration the budget cut short, naming what it left out."""
    return [
        f"the budget left out {len(missing)} of {coverage.enumerated[name]} enumerated examples of {name}: "
        + "; ".join(missing)
        for name, missing in coverage.left_out.items()
        if missing
    ]


def _label(cell: Cell) -> str:
    if cell[0] == "sort":
        return f"{cell[1]} {cell[2]}"
    return f"{cell[1]}={cell[2]}"
