"""The budget with which one property, run alone, gets what a whole run with a given budget would give it.

Run alone (`-k`), a property gets the whole budget; a proof that it catches a bug "at a budget"
must give it only its share of a whole run instead: its planned share, plus the requests made
before any property and the reserve kept for undoing writes (a mock's run plans for writes).
"""

from __future__ import annotations

from contract_tests.run.plan import NEEDS, PREFLIGHT, plan

# Examples per property of the `ci` profile, and the kit's default page cap.
CI_EXAMPLES = 12
MAX_PAGES = 25


def share_arguments(prop: str, budget: int) -> list[str]:
    """`--max-requests` and `--max-pages` that give `prop`, run alone, its share of a whole run of `budget` requests."""
    whole = plan(list(NEEDS), budget, max_pages=MAX_PAGES, examples=CI_EXAMPLES, writes=True)
    requests = whole.shares[prop] + PREFLIGHT + whole.reserve
    return ["--max-requests", str(requests), "--max-pages", str(whole.max_pages)]
