"""A property's three phases: the finite space walked, Hypothesis' drawn examples, then the share filled.

The enumeration's traversals follow at most the plan's `walk_pages`, which a small budget makes
shorter than the drawn examples' page cap: the whole space is walked, and the drawn still go deep.

The enumerated and filling examples run the property's own body (Hypothesis' `inner_test`)
with a `Scripted` stand-in for its `data`, so they check exactly what a drawn example checks.
Both are fixed sequences, so a `ci` run stays deterministic; a failure among them is reported
as it is, with a note naming the example, since it is already as small as the space allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from hypothesis import find, settings
from hypothesis import strategies as st

from contract_tests.run.kit import Kit
from contract_tests.spec.coverage import Script, describe, enumeration, least_covered, refilled
from contract_tests.transport.shares import ShareSpent

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True

# Filling a share runs at most this many examples per enumerated one: past that, a single selected
# property (`-k`) would spend the whole run's budget on examples that mostly repeat what it saw.
MAX_FILL_ROUNDS: Final = 4


class Scripted:
    """Hypothesis' `data` object in an enumerated example: each draw gives the script's value for its label.

    A draw the script does not name gives the strategy's simplest value (Hypothesis' `find`), so
    a property that draws more than its enumeration names still runs, the same way every time.
    """

    def __init__(self, script: Script) -> None:
        self.script = script

    def draw(self, strategy: st.SearchStrategy[Any], label: Any = None) -> Any:
        if label in self.script:
            return self.script[label]
        return find(strategy, lambda _: True, settings=settings(database=None))

    def __repr__(self) -> str:
        return f"Scripted({dict(self.script)!r})"


def run_phases(
    kit: Kit, name: str, inner: Callable[..., None], args: Mapping[str, Any], drawn: Callable[[], None]
) -> None:
    """Property `name`: its enumeration run through `inner`, then `drawn` (Hypothesis), then its share filled."""
    scripts = enumeration(name, kit.contract)
    coverage = kit.coverage
    coverage.enumerated[name] = len(scripts)
    deep = kit.max_pages
    kit.max_pages = kit.plan.walk_pages if kit.plan is not None else deep
    try:
        for index, script in enumerate(scripts):
            try:
                inner(**args, data=Scripted(script))
            except ShareSpent:
                coverage.left_out[name] = [describe(left, kit.contract) for left in scripts[index:]]
                raise
            except Exception as error:
                error.add_note(f"(enumerated example {index + 1} of {len(scripts)}: {describe(script, kit.contract)})")
                raise
    finally:
        kit.max_pages = deep
    drawn()
    _fill(kit, name, inner, args, scripts)


def _fill(kit: Kit, name: str, inner: Callable[..., None], args: Mapping[str, Any], scripts: list[Script]) -> None:
    """Examples aimed at the least traversed cells, while the property's share holds another one."""
    share = kit.client.budget.share
    if share is None or share.limit is None or not scripts:
        return
    costliest = 0
    for round_ in range(MAX_FILL_ROUNDS * len(scripts)):
        if share.completed and share.left < max(costliest, share.spent / share.completed):
            return
        script = refilled(least_covered(scripts, kit.coverage.of(name), kit.contract), round_, kit.contract)
        before = share.spent
        try:
            inner(**args, data=Scripted(script))
        except ShareSpent:
            return
        except Exception as error:
            error.add_note(f"(example {round_ + 1} after the enumeration: {describe(script, kit.contract)})")
            raise
        costliest = max(costliest, share.spent - before)
