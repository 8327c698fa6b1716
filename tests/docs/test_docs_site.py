"""The documentation site: it builds with warnings as errors, its reference is generated from the code, and every
runnable example of it is run by a test (or says why it cannot be)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mockserver import Settings
from mockserver.cli import build_parser
from mockserver.recording.command import build_parser as build_record_parser
from tests.docs.pages import DOCS, ROOT, headings, read, section
from tests.helpers import HEADERS, client_for

RUNNABLE = ("sh", "python", "js", "json")

RUN_BY: dict[tuple[str, str], str] = {
    ("README.md", "A one-minute tour"): "docs/test_docs_examples.py",
    ("docs/index.md", "Try it"): "docs/test_docs_examples.py",
    ("docs/frontend.md", "Read and edit from a browser app"): "mock/test_browser.py",
    ("docs/frontend.md", "CORS"): "docs/test_readme.py",
    ("docs/simulation.md", "Simulate what production will do"): "docs/test_readme.py",
    ("docs/tests.md", "The pytest plugin"): "mock/plugin_projects.py",
    ("docs/tests.md", "Check which requests your code made"): "mock/test_pytest_plugin_journal.py",
    ("docs/writes.md", "Writes and state"): "docs/test_docs_examples.py",
    ("docs/hosts.md", "Several hosts"): "mock/test_replicas_postgres.py",
    ("docs/recording.md", "Data"): "docs/test_docs_examples.py",
    ("docs/kit.md", "Check the contract with Schemathesis"): "mock/test_schemathesis.py",
    ("docs/kit.md", "Adopting it: first run, baseline, gate"): "kit/test_gate.py",
}
"""Where each section's examples are run: the test module reads the section through `tests.docs.pages`."""

NOT_RUN: dict[str, str] = {
    "python3 -m venv .venv && ": "the install commands: .ci/run runs the second on a fresh clone, test_readme.py holds"
    " it to .ci/run's and test_docs_examples.py the README's to the getting-started page's",
    "sudo apt-get update && sudo apt-get install chromium": "installs Debian packages; .ci/run installs the same",
    ".venv/bin/python -m contract_tests": "the kit's whole default run; tests/kit/ runs it, one property each",
    "export FLEXPORTAL_API_KEY=...": "needs a deployment and its key (kit/test_cli.py, mock/test_record.py)",
    ".venv/bin/python -m benchmarks": "benchmarks of minutes; benchmarks/RESULTS.md records their runs",
}
"""Examples no test runs as written, by the start of their first line, and why."""


def pages() -> list[str]:
    return ["README.md", *sorted(f"docs/{page.name}" for page in DOCS.glob("*.md"))]


def examples() -> Iterator[tuple[str, str, str, str]]:
    """`(page, heading, language, first line)` of every runnable code block of the documentation."""
    for page in pages():
        text = read(page)
        found = headings(text)
        for match in re.finditer(r"^```(\w+)\n(.*?)^```$", text, re.DOTALL | re.MULTILINE):
            if match[1] in RUNNABLE:
                line = text.count("\n", 0, match.start())
                heading = [title for index, _, title in found if index < line][-1]
                yield page, heading, match[1], match[2].splitlines()[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as `mkdocs build --strict` builds it; any warning fails the build."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return target


def test_the_site_builds_strictly_with_a_page_per_task(site: Path) -> None:
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    listed = {page for entry in nav for page in entry.values()}
    assert listed == {page.name for page in DOCS.glob("*.md")}, "every page is in the navigation, and only those"
    for page in listed:
        built = site / ("index.html" if page == "index.md" else f"{page.removesuffix('.md')}/index.html")
        assert built.is_file(), page


def options_in(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", help_text))


def test_the_reference_lists_every_option_of_the_programs(site: Path) -> None:
    reference = (site / "reference" / "index.html").read_text()
    assert "<!-- generated" not in reference
    kit_help = subprocess.run(
        [sys.executable, "-m", "contract_tests", "--help"], capture_output=True, text=True, timeout=120, cwd=ROOT
    ).stdout
    kit_group = kit_help.split("FlexPortal contract kit:", 1)[1].split("\n\n", 1)[0]
    for parser_help in (build_parser().format_help(), build_record_parser().format_help(), kit_group):
        options = options_in(parser_help) - {"--help"}
        assert options, parser_help
        listed = options_in(" ".join(re.findall(r"<code>(--[^<]*)</code>", reference)))
        missing = sorted(options - listed)
        assert not missing, f"the reference lacks {missing}"


def test_the_kit_pages_option_table_names_exactly_the_kits_options() -> None:
    """The kit page explains each option at more length than its help; it may not drift from the parser."""
    kit_help = subprocess.run(
        [sys.executable, "-m", "contract_tests", "--help"], capture_output=True, text=True, timeout=120, cwd=ROOT
    ).stdout
    kit_options = options_in(kit_help.split("FlexPortal contract kit:", 1)[1].split("\n\n", 1)[0])
    table = section("docs/kit.md", "Check a deployment with the contract kit")
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `--")]
    # pytest's help shows one spelling of `--junitxml`/`--junit-xml`: options are compared without their dashes.
    assert {name.replace("-", "") for name in options_in(" ".join(rows))} == {
        name.replace("-", "") for name in kit_options
    }


def test_the_reference_summarises_every_operation_of_the_contract(site: Path) -> None:
    reference = (site / "reference" / "index.html").read_text()
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert f'id="{operation["operationId"].lower()}"' in reference
            assert f"<code>{method.upper()} {path}</code>" in reference
            for status in operation["responses"]:
                assert f"<td>{status}</td>" in reference, (operation["operationId"], status)


def test_every_runnable_example_is_run_or_says_why_not() -> None:
    unclaimed = []
    for page, heading, language, first_line in examples():
        if (page, heading) in RUN_BY:
            runner = (ROOT / "tests" / RUN_BY[page, heading]).read_text()
            assert f'"{heading}"' in runner, f"{RUN_BY[page, heading]} does not read {page} '{heading}'"
        elif not any(first_line.startswith(start) for start in NOT_RUN):
            unclaimed.append(f"{page} '{heading}' ({language}): {first_line}")
    assert not unclaimed, "examples no test runs:\n" + "\n".join(unclaimed)


def test_the_readme_is_short_and_links_into_the_site() -> None:
    readme = read("README.md")
    assert len(readme.splitlines()) < 150
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    assert {f"docs/{page.name}" for page in DOCS.glob("*.md")} <= set(links), "every page is linked"
    for link in links:
        assert link.startswith("https://") or (ROOT / link).exists(), link


def keys(value: object, skip: frozenset[str] = frozenset({"customFields", "tenants", "params"})) -> set[str]:
    """Every object key in a JSON value, but inside free-form objects (whose keys are data, not fields)."""
    if isinstance(value, dict):
        return {key for key in value} | {
            inner for key, item in value.items() if key not in skip for inner in keys(item, skip)
        }
    if isinstance(value, list):
        return {inner for item in value for inner in keys(item, skip)}
    return set()


def test_every_field_an_endpoint_answers_is_documented(site: Path) -> None:
    reference = (site / "reference" / "index.html").read_text()
    with client_for(Settings(customers=30, tenants=("acme",))) as client:
        page = client.get("/v1/customers", params={"limit": 30}, headers=HEADERS).json()
        customer_id = page["customers"][0]["customerId"]
        detail = client.get(f"/v1/customers/{customer_id}", headers=HEADERS).json()
        error = client.get("/v1/customers", params={"limit": 0}, headers=HEADERS).json()
        order = client.post("/_mock/orders", json={"email": "new@example.com"}, headers=HEADERS).json()
        control = client.get("/_mock", headers=HEADERS).json()
        journal = client.get("/_mock/requests", headers=HEADERS).json()
        health = client.get("/healthz").json()
    api_fields = keys(page) | keys(detail) | keys(error) | keys(order["customer"])
    missing = sorted(field for field in api_fields if not re.search(rf"<code>([\w.]+\.)?{field}</code>", reference))
    assert not missing, f"the reference's fields lack {missing}"
    documented = {
        "docs/writes.md": set(order) | keys(control),
        "docs/tests.md": keys(journal),
        "docs/frontend.md": keys(health),
    }
    for page_name, fields in documented.items():
        text = read(page_name)
        missing = sorted(field for field in fields if f"`{field}`" not in text and f'"{field}"' not in text)
        assert not missing, f"{page_name} does not say what {missing} are"
