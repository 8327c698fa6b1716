"""ARCHITECTURE.md names only files and folders that exist, and the layers that pyproject's contracts check."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "ARCHITECTURE.md").read_text()


def test_every_path_it_names_exists() -> None:
    named = set(re.findall(r"`([\w./]+(?:\.py|/))`", TEXT))
    assert len(named) > 30
    missing = sorted(path for path in named if not any((base / path).exists() for base in (ROOT, ROOT / "mockserver")))
    assert not missing, f"ARCHITECTURE.md names what is not there: {missing}"


def test_its_layers_are_the_checked_ones() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [contract for contract in config["contracts"] if contract["type"] == "layers"]
    table = [line.split("|")[1] for line in TEXT.splitlines() if line.startswith("| `") or line.startswith("| top")]
    rows = [" | ".join(re.findall(r"`(\w+)/`", cell)) for cell in table if "top:" not in cell]
    assert rows == layers["layers"]
