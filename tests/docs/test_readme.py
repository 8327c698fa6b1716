"""The README's commands and the frontend and simulation pages work as written (test_browser.py runs the fetch)."""

from __future__ import annotations

import json
import re
import shlex

import httpx

from tests.docs.pages import EXAMPLE_BASE, ROOT, blocks, lines, read, section
from tests.helpers import running_mock


def frontend() -> str:
    return section("docs/frontend.md", "Use it from a frontend")


def simulation() -> str:
    return section("docs/simulation.md", "Simulate what production will do")


def mock_commands(text: str) -> list[list[str]]:
    """The arguments of each `.venv/bin/flexportal-mock` command in `text`."""
    return [shlex.split(line)[1:] for line in lines(text, r"\.venv/bin/flexportal-mock ")]


def test_the_section_says_where_the_docs_and_health_are() -> None:
    text = frontend()
    assert f"<{EXAMPLE_BASE}/docs>" in text and "GET /healthz" in text and "--log-format json" in text


def test_cors_origin_command_lets_only_that_origin_in_and_refuses_as_documented() -> None:
    text = section("docs/frontend.md", "CORS")
    (args,) = [args for args in mock_commands(text) if "--cors-origin" in args]
    origin = args[args.index("--cors-origin") + 1]
    (documented,) = blocks(text, "json")
    refused_origin = re.search(r"origin '([^']+)'", documented)
    assert refused_origin, documented
    preflight = {"Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "authorization, tenant-id"}
    with running_mock(*args, "--log-level", "warning") as mock:
        allowed = httpx.options(f"{mock.base_url}/v1/customers/C1", headers={**preflight, "Origin": origin})
        refused = httpx.options(f"{mock.base_url}/v1/customers/C1", headers={**preflight, "Origin": refused_origin[1]})
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == origin
    assert refused.status_code == 400 and refused.json() == json.loads(documented)


def test_simulation_examples_answer_the_status_in_their_comment() -> None:
    (args,) = [args for args in mock_commands(simulation()) if "--latency" in args]
    examples = re.findall(r"^(curl .*?)\s+#\s*(\d{3})$", simulation(), re.MULTILINE)
    assert len(examples) >= 5
    with running_mock(*args, "--log-level", "warning") as mock:
        for line, expected in examples:
            words = shlex.split(line)
            headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
            url = words[-1].replace(EXAMPLE_BASE, mock.base_url)
            response = httpx.get(url, headers=headers, timeout=30)
            assert response.status_code == int(expected), (line, response.text)
            if response.status_code == 429:
                assert response.headers["Retry-After"].isdigit()
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message"}


def test_ci_runs_the_readme_test_command_linters_first() -> None:
    """`.ci/run` runs the README's second command, which lints before it runs pytest."""
    commands = lines(read("README.md"), r"python3 -m venv \.venv && ")
    assert len(commands) == 2, "README lost its two commands"
    test_command = commands[1]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("python3 -m venv")]
    assert ci == [test_command]
    steps = [step.strip() for step in test_command.split("&&")]
    linters = [".venv/bin/ruff check .", ".venv/bin/ruff format --check .", ".venv/bin/mypy", ".venv/bin/lint-imports"]
    assert steps[2:] == [*linters, ".venv/bin/python -m pytest"]
