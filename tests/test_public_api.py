"""The package's public surface is exactly what is meant to be public."""

from __future__ import annotations

import mockserver


def test_exports() -> None:
    assert sorted(mockserver.__all__) == ["Settings", "__version__", "create_app"]
    for name in mockserver.__all__:
        assert hasattr(mockserver, name)


def test_importing_the_package_does_no_work() -> None:
    """No dataset, Faker instance or app is created at import: configuration is passed in."""
    assert not [name for name, value in vars(mockserver).items() if type(value).__name__ in {"Starlette", "Faker"}]
