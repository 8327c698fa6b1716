"""The committed seeded sample is exactly what the data page's export command writes."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from mockserver.storage.fixturefile import load_fixtures
from tests.docs.pages import section

ROOT = Path(__file__).resolve().parents[2]


def test_readme_export_command_regenerates_the_committed_sample(tmp_path: Path) -> None:
    text = section("docs/recording.md", "Data")
    match = re.search(r"^\.venv/bin/flexportal-mock (--seed .* --export) (fixtures/\S+)$", text, re.MULTILINE)
    assert match, "the data page lost its export command"
    committed = ROOT / match[2]
    regenerated = tmp_path / committed.name
    command = [sys.executable, "-m", "mockserver", *shlex.split(match[1]), str(regenerated)]
    subprocess.run(command, check=True, timeout=120)
    assert regenerated.read_bytes() == committed.read_bytes()
    assert len(load_fixtures(committed)["acme"]) == 50
