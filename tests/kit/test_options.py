"""Where a ci run lets Hypothesis keep its caches: the user's cache folder, when there is one to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.run.options import ci_cache_folder


def test_the_cache_folder_is_the_users_and_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert ci_cache_folder() == tmp_path / "flexportal-contract" / "hypothesis"
    assert (tmp_path / "flexportal-contract" / "hypothesis").is_dir()


def test_no_cache_folder_where_none_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert ci_cache_folder() is None
