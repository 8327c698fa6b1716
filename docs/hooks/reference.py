"""MkDocs hook: the reference page's generated tables, so they cannot drift from the code they describe.

A page asks for a table with a marker line, `<!-- generated: NAME -->`, which this hook replaces:

- `mock-options`, `record-options`: the options of `flexportal-mock` and `flexportal-mock record`,
  from their argparse parsers (`mockserver.cli.build_parser`, `mockserver.recording.command.build_parser`);
- `kit-options`: the contract kit's options, which are pytest options its conftest registers, read
  by handing `contract_tests.run.options.add_options` a stand-in for pytest's parser;
- `contract`, `schemas`: the operations of `openapi.yaml`, their parameters and their answers, and the
  fields of its schemas.

Parsers are read through their help, formatted one option a line: the public face of argparse.
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
MARKER = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.MULTILINE)
HTTP_METHODS = ("get", "head", "post", "put", "patch", "delete")


# --- command-line options -------------------------------------------------------------------


def _one_line_help(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, max_help_position=120, width=100_000)


def option_groups(parser: argparse.ArgumentParser) -> list[tuple[str, list[tuple[str, str]]]]:
    """`(group title, [(invocation, help)])` for each group of `parser`'s options, as its `--help` shows them."""
    parser.formatter_class = _one_line_help
    parser.description = parser.epilog = None
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for line in parser.format_help().splitlines():
        if line and not line.startswith(" ") and line.endswith(":") and not line.startswith("usage:"):
            groups.append((line[:-1], []))
        elif groups and line.startswith("  ") and not line.startswith("   "):
            invocation, _, help_text = line.strip().partition("  ")
            groups[-1][1].append((invocation, help_text.strip()))
        elif groups and groups[-1][1] and line.startswith("   "):
            # An invocation too long to share its line has its help on the next one.
            invocation, help_text = groups[-1][1][-1]
            groups[-1][1][-1] = (invocation, f"{help_text} {line.strip()}".strip())
    return [(title, options) for title, options in groups if options]


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|")


def options_table(parser: argparse.ArgumentParser) -> str:
    """A Markdown table of `parser`'s options, a row each, under a line naming each group."""
    parts = []
    for title, options in option_groups(parser):
        rows = [f"| `{invocation}` | {_cell(help_text)} |" for invocation, help_text in options]
        parts.append("\n".join([f"**{_cell(title)}**", "", "| option | meaning |", "|---|---|", *rows]))
    return "\n\n".join(parts)


class _Group:
    """One option group of `_ParserStandIn`: pytest's `addoption`, onto an argparse group."""

    def __init__(self, group: Any) -> None:
        self._group = group

    def addoption(self, *names: str, **attrs: Any) -> None:
        self._group.add_argument(*names, **attrs)


class _ParserStandIn:
    """What a conftest's `pytest_addoption` calls on pytest's parser, collecting the options into argparse."""

    def __init__(self, prog: str) -> None:
        self.parser = argparse.ArgumentParser(prog=prog, add_help=False)
        self._groups: dict[str, _Group] = {}

    def getgroup(self, name: str, description: str = "", after: str | None = None) -> _Group:
        if name not in self._groups:
            self._groups[name] = _Group(self.parser.add_argument_group(description or name))
        return self._groups[name]

    def addoption(self, *names: str, **attrs: Any) -> None:
        self.parser.add_argument(*names, **attrs)

    def addini(self, *args: Any, **kwargs: Any) -> None:
        """Ini options are not command-line options: left out of the table."""


class _PluginsAsTheKitRunsThem:
    """The plugin manager a conftest is given under `python -m contract_tests`, which blocks pytest's JUnit writer."""

    def is_blocked(self, name: str) -> bool:
        return name == "junitxml"


def conftest_parser(pytest_addoption: Callable[[Any, Any], None], prog: str) -> argparse.ArgumentParser:
    """The options a conftest's `pytest_addoption` registers, as an argparse parser."""
    stand_in = _ParserStandIn(prog)
    pytest_addoption(stand_in, _PluginsAsTheKitRunsThem())
    return stand_in.parser


# --- the contract ----------------------------------------------------------------------------


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _schema_text(spec: dict[str, Any], schema: dict[str, Any]) -> str:
    schema = _resolve(spec, schema)
    if "enum" in schema:
        text = " \\| ".join(f"`{value}`" for value in schema["enum"])
    else:
        text = str(schema.get("type", "object"))
        bounds = [f"{word} {schema[key]}" for key, word in (("minimum", "min"), ("maximum", "max")) if key in schema]
        text += f" ({', '.join(bounds)})" if bounds else ""
    if "default" in schema:
        text += f", default `{schema['default']}`"
    return text


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    return flat.split(". ")[0].rstrip(".") + "." if flat else ""


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """`(METHOD, path, operation)` for every operation of `spec`, in its order."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def contract_summary(spec: dict[str, Any]) -> str:
    """The operations of `spec`: one table of them all, then each one's parameters, body and answers."""
    overview = ["| operation | request | summary |", "|---|---|---|"]
    details = []
    for method, path, operation in operations(spec):
        name = operation["operationId"]
        overview.append(f"| [{name}](#{name.lower()}) | `{method} {path}` | {_cell(operation.get('summary', ''))} |")
        section = [f"### {name}", "", f"`{method} {path}`: {_cell(_first_sentence(operation.get('description', '')))}"]
        parameters = [_resolve(spec, parameter) for parameter in operation.get("parameters", [])]
        if parameters:
            section += ["", "| parameter | in | required | value |", "|---|---|---|---|"]
            section += [
                f"| `{p['name']}` | {p['in']} | {'yes' if p.get('required') else 'no'} "
                f"| {_schema_text(spec, p.get('schema', {}))} |"
                for p in parameters
            ]
        body = operation.get("requestBody")
        if body:
            types = ", ".join(f"`{media}`" for media in _resolve(spec, body)["content"])
            section += ["", f"Request body: {types}."]
        section += ["", "| status | answer |", "|---|---|"]
        section += [
            f"| {status} | {_cell(_first_sentence(_resolve(spec, response).get('description', '')))} |"
            for status, response in operation["responses"].items()
        ]
        details.append("\n".join(section))
    return "\n\n".join(["\n".join(overview), *details])


def _type_text(spec: dict[str, Any], schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "enum" in schema:
        return " \\| ".join(f"`{value}`" for value in schema["enum"])
    for combinator in ("oneOf", "anyOf", "allOf"):
        if combinator in schema:
            return " or ".join(_type_text(spec, part) for part in schema[combinator])
    kinds = schema.get("type", "any")
    if isinstance(kinds, list):
        return " or ".join(_type_text(spec, {**schema, "type": kind}) for kind in kinds)
    if kinds == "array":
        return f"array of {_type_text(spec, schema.get('items', {}))}"
    return f"{kinds} ({schema['format']})" if "format" in schema else str(kinds)


def _field_rows(spec: dict[str, Any], schema: dict[str, Any], prefix: str = "") -> list[str]:
    """A row for each property of an object schema, and of the objects written inside it."""
    rows = []
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        rows.append(
            f"| `{prefix}{name}` | {_type_text(spec, field)} | {'yes' if name in required else 'no'} "
            f"| {_cell(_first_sentence(field.get('description', '')))} |"
        )
        if field.get("type") == "object" and "properties" in field:
            rows += _field_rows(spec, field, f"{prefix}{name}.")
    return rows


def schema_tables(spec: dict[str, Any]) -> str:
    """Every object schema of `spec`: a table of its fields, so that every field an answer has is described."""
    header = ["| field | type | always there | meaning |", "|---|---|---|---|"]
    parts = []
    for name, schema in spec["components"]["schemas"].items():
        intro = [_cell(_first_sentence(schema.get("description", "")))]
        rows = []
        if "allOf" in schema:
            bases = [part for part in schema["allOf"] if "$ref" in part]
            intro.append("Every field of " + ", ".join(_type_text(spec, base) for base in bases) + ", and:")
            rows = [row for part in schema["allOf"] if "$ref" not in part for row in _field_rows(spec, part)]
        elif "properties" in schema:
            rows = _field_rows(spec, schema)
        else:
            intro.append(f"One of {_type_text(spec, schema)}.")
        text = " ".join(part for part in intro if part)
        parts.append("\n".join([f"### {name}", *(["", text] if text else []), *(["", *header, *rows] if rows else [])]))
    return "\n\n".join(parts)


# --- the hook --------------------------------------------------------------------------------


def generated(name: str) -> str:
    """The Markdown a marker names; an unknown name is an error, so a typo fails the build."""
    if name == "mock-options":
        from mockserver.cli import build_parser

        return options_table(build_parser())
    if name == "record-options":
        from mockserver.recording.command import build_parser as build_record_parser

        return options_table(build_record_parser())
    if name == "kit-options":
        from contract_tests.run.options import add_options

        return options_table(conftest_parser(add_options, "python -m contract_tests"))
    if name == "contract":
        spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
        return contract_summary(spec)
    if name == "schemas":
        spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
        return schema_tables(spec)
    raise ValueError(f"no generated table is called {name!r}")


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Replace each `<!-- generated: NAME -->` line of a page with what it names."""
    return MARKER.sub(lambda match: generated(match[1]), markdown)
