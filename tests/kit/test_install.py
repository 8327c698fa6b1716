"""The kit's install paths: the documented CI job as written in a fresh venv holding only `[kit]`, then others.

One venv, built once for the module (in a copy of the clone, so the builds leave nothing here):
editable as the job installs it, then from the clone, then from its wheel. Each install runs the
kit from inside the clone (where this project's pytest configuration asks for pytest-xdist, which
`[kit]` does not install) and from outside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from junitparser import JUnitXml

from tests.docs import pages
from tests.helpers import running_mock
from tests.kit.runs import ROOT

pytestmark = pytest.mark.slow(seconds=100)

KEY = "ci-key"
COPIED_NOT = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", "*.so", "kit*.xml"
)


def _job() -> dict[str, object]:
    (block,) = pages.blocks(pages.section("docs/kit.md", "In CI"), "yaml")
    job: dict[str, object] = yaml.safe_load(block)["contract"]
    return job


def _sh(command: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("FLEXPORTAL_", "PYTHON"))}
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=900,
        env={**clean, **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the clone in which the documented CI job has run: its `.venv` holds the kit installed editable."""
    copy = tmp_path_factory.mktemp("clone") / "flexportal-mock"
    shutil.copytree(ROOT, copy, ignore=COPIED_NOT)
    yield copy


def test_the_documented_ci_job_runs_as_written_in_a_fresh_venv(clone: Path, tmp_path: Path) -> None:
    """Its steps in order; the deployment is a mock started here, and 300 requests stand in for the plan's pace."""
    steps = [step for step in _job()["steps"] if isinstance(step, dict) and "run" in step]  # type: ignore[attr-defined]
    install, check = steps
    installed = _sh(install["run"], clone)
    assert installed.returncode == 0, installed.stderr[-3000:]
    listed = _sh(".venv/bin/pip list --format freeze", clone).stdout
    assert "pytest-xdist" not in listed and "flexportal-mock" in listed  # `[kit]` alone
    summary = tmp_path / "summary.md"
    with running_mock("--api-key", KEY, "--log-level", "warning") as mock:
        env = {name: str(value) for name, value in check["env"].items()}
        env |= {"FLEXPORTAL_API_KEY": KEY, "BASE_URL": mock.base_url, "GITHUB_STEP_SUMMARY": str(summary)}
        ran = _sh(check["run"].replace("--plan starter", "--max-requests 300"), clone, env)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    (suite,) = list(JUnitXml.fromfile(str(clone / "kit.xml")))
    assert suite.tests == 18 and suite.failures == suite.errors == 0
    assert "## FlexPortal contract kit" in summary.read_text()
    assert (clone / "kit.json").is_file()


def _runs_everywhere(clone: Path, outside: Path) -> None:
    """`python -m contract_tests` outside the clone and `flexportal-contract` in its tests folder, both passing."""
    python, script = clone / ".venv/bin/python", clone / ".venv/bin/flexportal-contract"
    for command, cwd in (
        (f"{python} -m contract_tests", outside),
        (str(script), clone / "tests"),
        (str(script), clone),
    ):
        ran = _sh(f"{command} -k test_page_shape --max-requests 100", cwd)  # what a default run gives it
        assert ran.returncode == 0, (command, cwd, ran.stdout[-3000:], ran.stderr[-2000:])
        assert "1 passed" in ran.stdout


def test_each_install_runs_the_kit_from_any_folder(clone: Path, tmp_path: Path) -> None:
    if not (clone / ".venv/bin/python").exists():
        installed = _sh(_job()["steps"][1]["run"], clone)  # type: ignore[index]
        assert installed.returncode == 0, installed.stderr[-3000:]
    _runs_everywhere(clone, tmp_path)  # editable
    plain = _sh(".venv/bin/pip install -q '.[kit]'", clone)
    assert plain.returncode == 0, plain.stderr[-3000:]
    _runs_everywhere(clone, tmp_path)
    wheel = _sh(
        ".venv/bin/pip wheel -q --no-deps -w dist . && .venv/bin/pip install -q --force-reinstall --no-deps dist/*.whl",
        clone,
    )
    assert wheel.returncode == 0, wheel.stderr[-3000:]
    (built,) = (clone / "dist").glob("*.whl")
    with zipfile.ZipFile(built) as archive:
        assert {"mockserver/py.typed", "contract_tests/py.typed"} <= set(archive.namelist())
    located = _sh(f"{clone}/.venv/bin/python -c 'import contract_tests; print(contract_tests.__file__)'", tmp_path)
    assert "site-packages" in located.stdout, located.stdout
    _runs_everywhere(clone, tmp_path)
