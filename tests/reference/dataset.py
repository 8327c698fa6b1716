"""The deployment's data: the mock's own generated customers, exported as a user would, plus the edge cases.

`python -m mockserver --export` writes the seeded dataset as a fixture file; the hand-checked
customers of `fixtures/edge-cases.json` (accents, apostrophes, case variants, scripts beyond
Latin, ties) join the first tenant, so every collation has the awkward strings to order.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Final

from tests.helpers import mock_command

ROOT: Final = Path(__file__).resolve().parents[2]
EDGE_CASES: Final = ROOT / "fixtures" / "edge-cases.json"


def export(folder: Path, *, tenants: tuple[str, ...], customers: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Each tenant's customers: `customers` generated ones, the first tenant also the edge cases."""
    path = folder / "dataset.json"
    command = mock_command("--seed", str(seed), "--customers", str(customers))
    for tenant in tenants:
        command += ["--tenant", tenant]
    subprocess.run([*command, "--export", str(path)], check=True, cwd=ROOT, capture_output=True, timeout=120)
    data: dict[str, list[dict[str, Any]]] = json.loads(path.read_text())["tenants"]
    for edge_tenant in json.loads(EDGE_CASES.read_text())["tenants"].values():
        data[tenants[0]].extend({**record, "tenantId": tenants[0]} for record in edge_tenant)
    return data
