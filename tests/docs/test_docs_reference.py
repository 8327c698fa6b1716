"""The reference page's generator: option tables read from a parser's help, and the kit's options from its conftest."""

from __future__ import annotations

import argparse
import importlib.util
from types import ModuleType

import pytest

from contract_tests.run.options import add_options
from tests.docs.pages import DOCS


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """The MkDocs hook, loaded from its file as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location("reference_hook", DOCS / "hooks" / "reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_option_gets_a_row_under_its_group_with_its_help(generator: ModuleType) -> None:
    parser = argparse.ArgumentParser(prog="demo", epilog="notes:\n  not an option")
    parser.add_argument("--plain", help="a plain option (default: %(default)s)", default="x")
    group = parser.add_argument_group("simulation")
    group.add_argument("--range", metavar="MS|MIN-MAX", help="a range, <inclusive>")
    group.add_argument("--silent", action="store_true")
    group.add_argument("--" + "very-long-name" * 10, metavar="V", help="its help on the next line")
    groups = dict(generator.option_groups(parser))
    assert groups["options"] == [
        ("-h, --help", "show this help message and exit"),
        ("--plain PLAIN", "a plain option (default: x)"),
    ]
    assert groups["simulation"][:2] == [("--range MS|MIN-MAX", "a range, <inclusive>"), ("--silent", "")]
    assert groups["simulation"][2][1] == "its help on the next line"
    assert "notes" not in groups
    table = generator.options_table(parser)
    assert "| `--range MS|MIN-MAX` | a range, &lt;inclusive&gt; |" in table


def test_the_kit_options_are_the_ones_its_conftest_registers(generator: ModuleType) -> None:
    parser = generator.conftest_parser(add_options, "python -m contract_tests")
    ((title, options),) = generator.option_groups(parser)
    assert title == "FlexPortal contract kit"
    invocations = [invocation.split()[0] for invocation, _ in options]
    expected = {"--base-url", "--plan", "--string-collation", "--allow-writes", "--junitxml", "--baseline"}
    assert expected <= set(invocations)
    assert dict(options)["--timeout TIMEOUT"] == "seconds to wait for each response (default: 10.0)"


def test_an_unknown_marker_fails_the_build(generator: ModuleType) -> None:
    with pytest.raises(ValueError, match="no generated table is called 'nonsense'"):
        generator.on_page_markdown("<!-- generated: nonsense -->\n")
