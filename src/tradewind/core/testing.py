"""Support for the test suite that must live in an importable module."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at the smallest cost: the same algorithm and format as a real install (so
    tests about password storage still see ``argon2$``), without ~100 ms per hash."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1
