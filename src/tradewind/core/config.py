"""Environment-driven configuration helpers shared by settings and the CLI."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    """The directory holding the embedded database, media and warehouse."""
    path = Path(os.environ.get("TRADEWIND_DATA_DIR", "./tradewind-data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """``TRADEWIND_SECRET_KEY`` if set, else a key generated once and kept in the data dir.

    Generating it keeps a fresh install secure without asking the operator for anything.
    """
    configured = os.environ.get("TRADEWIND_SECRET_KEY")
    if configured:
        return configured
    key_file = directory / "secret.key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
