"""ARCHITECTURE.md names only files and folders that exist, and the layers that pyproject's contracts check."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "ARCHITECTURE.md").read_text()


def test_every_path_it_names_exists() -> None:
    named = set(re.findall(r"`([\w./]+(?:\.py|/))`", TEXT))
    assert len(named) > 30
    bases = (ROOT, ROOT / "mockserver", ROOT / "contract_tests")
    missing = sorted(path for path in named if not any((base / path).exists() for base in bases))
    assert not missing, f"ARCHITECTURE.md names what is not there: {missing}"


def _section(heading: str) -> str:
    return TEXT.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    ("container", "heading"), [("mockserver", "The mock's layers"), ("contract_tests", "The kit's layers")]
)
def test_its_layers_are_the_checked_ones(container: str, heading: str) -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [
        contract
        for contract in config["contracts"]
        if contract["type"] == "layers" and contract["containers"] == [container]
    ]
    lines = _section(heading).splitlines()
    table = [line.split("|")[1] for line in lines if line.startswith("| `") or line.startswith("| top")]
    rows = [" | ".join(re.findall(r"`(\w+)/`", cell)) for cell in table if "top:" not in cell]
    named = [layer for layer in layers["layers"] if "." not in layer and layer != "violations"]
    assert rows == named


def test_each_everyday_question_is_answered_by_one_file() -> None:
    questions = re.findall(
        r"^\d+\. \*\*(.+?)\*\* (.+?)(?=^\d+\. |\Z)", _section("Eight everyday questions, one place each"), re.M | re.S
    )
    assert len(questions) == 8
    for question, answer in questions:
        first = re.search(r"`([\w/]+\.py)`", answer)
        assert first is not None and (ROOT / first[1]).is_file(), question
