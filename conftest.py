"""Test-wide fixtures: every test writes files into its own temporary media root, static
files are served from the apps' folders (the hashed manifest exists only after
``collectstatic``, which ``tradewind init`` runs for a real install), and passwords are
hashed cheaply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

# Argon2 as configured costs ~100 ms a hash; the suite hashes with the same algorithm at
# the lowest cost instead.
QUICK_HASHERS = [
    "tradewind.core.testing.QuickArgon2PasswordHasher",
    *(h for h in django_settings.PASSWORD_HASHERS if not h.endswith(".Argon2PasswordHasher")),
]


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = QUICK_HASHERS
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
