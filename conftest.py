"""Test-wide fixtures: every test writes files into its own temporary media root, and
static files are served from the apps' folders (the hashed manifest exists only after
``collectstatic``, which ``tradewind init`` runs for a real install)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

# Argon2 as configured costs ~100 ms a hash; tests that are not about hashing use a fast one.
PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_HASHERS]


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
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


@pytest.fixture
def production_hashers(settings: Any) -> None:
    """For tests about how passwords are stored: the hashers a real install uses."""
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
