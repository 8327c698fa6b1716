"""No test reaches into the project's private parts: seams are constructor and keyword arguments.

A test that reads or swaps a private attribute (`x._name`), swaps an object's class, or imports a
private module of `mockserver` or `contract_tests` breaks whenever the code is reorganised, and
proves less than it says. Every `tests/**/*.py` is parsed and held to that; `self` and `cls` may
use their own class's private names (a test's own helpers, subclasses of a project class).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PROJECT_PACKAGES = frozenset({"mockserver", "contract_tests"})
OWN = frozenset({"self", "cls"})
# Private names of other libraries that are their public API, each with why.
ALLOWED = {
    "_replace": "NamedTuple's documented way to copy with changes (the underscore keeps it apart from field names)",
}
# Calls that reach an attribute by its name as a string: the name is their second argument.
BY_NAME = frozenset({"getattr", "setattr", "delattr", "hasattr", "__setattr__", "__getattribute__", "__delattr__"})


def is_private(name: str) -> bool:
    """A name with one leading underscore (`_x`, not `__x__`): private by Python's convention."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__")) and name != "_"


def is_project_module(dotted: str) -> bool:
    return dotted.split(".", 1)[0] in PROJECT_PACKAGES


def _private_module(dotted: str) -> bool:
    return is_project_module(dotted) and any(is_private(part) for part in dotted.split("."))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _attribute(node: ast.Attribute) -> str | None:
    if node.attr == "__class__" and isinstance(node.ctx, ast.Store | ast.Del):
        return "swaps an object's __class__"
    own = isinstance(node.value, ast.Name) and node.value.id in OWN
    if is_private(node.attr) and node.attr not in ALLOWED and not own:
        return f"reaches the private attribute .{node.attr}"
    return None


def _call(node: ast.Call) -> str | None:
    """`getattr(x, "_name")` and its kin, and `monkeypatch.setattr("mockserver.x._name", ...)`."""
    called = _called_name(node)
    if called not in BY_NAME or not node.args:
        return None
    dotted = _literal(node.args[0])
    if dotted is not None and _private_module(dotted):
        return f"reaches the private {dotted!r} by name"
    if len(node.args) < 2 or (isinstance(node.args[0], ast.Name) and node.args[0].id in OWN):
        return None
    named = _literal(node.args[1])
    if named == "__class__" and called != "getattr":
        return "swaps an object's __class__ by name"
    if named is not None and is_private(named) and named not in ALLOWED:
        return f"reaches the private attribute {named!r} by name"
    return None


def _import(node: ast.Import | ast.ImportFrom) -> str | None:
    if isinstance(node, ast.Import):
        private = [alias.name for alias in node.names if _private_module(alias.name)]
        return f"imports the private module {private[0]}" if private else None
    if node.module is None or node.level or not is_project_module(node.module):
        return None
    if _private_module(node.module):
        return f"imports from the private module {node.module}"
    private = [alias.name for alias in node.names if is_private(alias.name)]
    return f"imports the private name {private[0]} of {node.module}" if private else None


def violations(source: str, filename: str = "<test>") -> list[str]:
    """Each place in `source` that reaches a private part of an object or module, as `file:line: what`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        what = None
        if isinstance(node, ast.Attribute):
            what = _attribute(node)
        elif isinstance(node, ast.Call):
            what = _call(node)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            what = _import(node)
        if what is not None and isinstance(node, ast.expr | ast.stmt):
            found.append((node.lineno, what))
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def test_the_check_catches_each_kind_of_reach() -> None:
    sample = """
from mockserver.storage._assemble import join
from mockserver.storage import _assemble
import contract_tests._internal
from mockserver.domain.cursor import _b64encode
store.base.__class__ = Broken
object.__setattr__(codec, "_minted", {})
setattr(store, "__class__", Broken)
monkeypatch.setattr("mockserver.storage.pgchangelog._LOCK", 1)
journal._entries
endpoints._codec = codec
"""
    found = violations(sample)
    assert len(found) == 10, found
    assert [line.split(":")[1] for line in found] == [str(line) for line in range(2, 12)], found


def test_the_check_leaves_alone_what_is_allowed() -> None:
    sample = """
from __future__ import annotations
from mockserver import create_app
self._offsets = {}
cls._made = 1
query._replace(limit=1)
kind = value.__class__
name = type(owner).__name__
getattr(self, "_secret")
"""
    assert violations(sample) == []


def every_test_module() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if ".venv" not in path.parts)


def test_the_check_reads_every_test_module() -> None:
    names = {path.name for path in every_test_module()}
    assert {"test_no_private_access.py", "variants.py", "conftest.py", "app.py"} <= names


@pytest.mark.parametrize("path", every_test_module(), ids=lambda path: path.relative_to(TESTS).as_posix())
def test_no_test_reaches_a_private_part(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), path.relative_to(TESTS).as_posix()) == []
