"""The committed seeded sample is exactly what the README's export command writes."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from mockserver.storage.fixturefile import load_fixtures

ROOT = Path(__file__).resolve().parent.parent


def test_readme_export_command_regenerates_the_committed_sample(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"^\.venv/bin/flexportal-mock (--seed .* --export) (fixtures/\S+)$", readme, re.MULTILINE)
    assert match, "README lost its export command"
    committed = ROOT / match[2]
    regenerated = tmp_path / committed.name
    command = [sys.executable, "-m", "mockserver", *shlex.split(match[1]), str(regenerated)]
    subprocess.run(command, check=True, timeout=120)
    assert regenerated.read_bytes() == committed.read_bytes()
    assert len(load_fixtures(committed)["acme"]) == 50
