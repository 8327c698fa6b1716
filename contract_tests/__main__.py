"""`python -m contract_tests` and `flexportal-contract`: the kit's pytest suite, with its options and pytest's own."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest


def pytest_arguments(argv: Sequence[str]) -> list[str]:
    """What the kit passes to pytest: its own configuration and folder, then `argv`.

    `-c` names the kit's own ini file, so no project's configuration (its addopts, say) is read,
    from whatever folder the kit starts; conftest files are looked for only in the package.
    """
    package = Path(__file__).resolve().parent
    isolated = ["-c", str(package / "kit.ini"), "--rootdir", str(package.parent), "--confcutdir", str(package)]
    # Start-up is most of a run that ends at its first request. Plugins for other test suites (the
    # mock's fixtures, Faker's) are left out, and so is assertion rewriting, which would compile
    # every module of Schemathesis' plugin anew where bytecode is not cached: the properties
    # report through ContractViolation, not through introspected asserts. pytest's JUnit writer
    # gives way to the kit's, which writes one test case per property (conftest.py).
    quick = ["-p", "no:cacheprovider", "-p", "no:flexportal_mock", "-p", "no:faker", "--assert=plain"]
    # The package's folder, not --pyargs: only a folder named on the command line has its
    # conftest (the kit's options) loaded before the options are parsed, wherever pytest runs.
    return [str(package), *isolated, *quick, "-p", "no:junitxml", *argv]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kit; the exit status is pytest's (0 only when every property held)."""
    return int(pytest.main(pytest_arguments(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    sys.exit(main())
