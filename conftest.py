"""Test-wide fixtures: every test writes files into its own temporary media root, and
static files are served from the apps' folders (the hashed manifest exists only after
``collectstatic``, which ``tradewind init`` runs for a real install)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def static_root(settings: Any) -> Path:
    path: Path = settings.STATIC_ROOT
    return path
