"""`python -m contract_tests [options]`: the kit's pytest suite, with the kit's options and pytest's own."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pytest


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    return int(pytest.main(["--pyargs", "contract_tests", "-p", "no:cacheprovider", *args]))


if __name__ == "__main__":
    sys.exit(main())
