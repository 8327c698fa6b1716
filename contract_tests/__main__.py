"""`python -m contract_tests [options]`: the kit's pytest suite, with the kit's options and pytest's own."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kit; the exit status is pytest's (0 only when every property held)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # The package's folder, not --pyargs: only a folder named on the command line has its
    # conftest (the kit's options) loaded before the options are parsed, wherever pytest runs.
    package = str(Path(__file__).resolve().parent)
    # Start-up is most of a run that ends at its first request. Plugins for other test suites (the
    # mock's fixtures, Faker's) are left out, and so is assertion rewriting, which would compile
    # every module of Schemathesis' plugin anew where bytecode is not cached: the properties
    # report through ContractViolation, not through introspected asserts.
    quick = ["-p", "no:flexportal_mock", "-p", "no:faker", "--assert=plain"]
    return int(pytest.main([package, "-p", "no:cacheprovider", *quick, *args]))


if __name__ == "__main__":
    sys.exit(main())
