"""Configuration comes from the environment, with defaults that need no service."""

from pathlib import Path

import pytest

from tradewind.core.config import data_dir, env_bool, secret_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), (" Yes ", True), ("on", True), ("0", False), ("no", False), ("", False)],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("TW_FLAG", raw)

    assert env_bool("TW_FLAG", default=not expected) is expected


def test_env_bool_default_when_unset(monkeypatch) -> None:
    monkeypatch.delenv("TW_FLAG", raising=False)

    assert env_bool("TW_FLAG", default=True) is True


def test_data_dir_is_created(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRADEWIND_DATA_DIR", str(tmp_path / "store" / "data"))

    assert data_dir() == tmp_path / "store" / "data"
    assert data_dir().is_dir()


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TRADEWIND_SECRET_KEY", raising=False)

    first = secret_key(tmp_path)

    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def test_configured_secret_key_wins(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRADEWIND_SECRET_KEY", "from-the-environment")

    assert secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret.key").exists()
