"""Staff access to the admin API: bearer tokens, and the permissions each operation needs.

A token acts as the staff member it belongs to, with that member's Django permissions
(which come from their role, see :mod:`tradewind.core.roles`). A client sends
``Authorization: Bearer <secret>``; a missing, unknown, revoked or expired token, or one
whose owner was deactivated, is answered with 401, and a token whose owner lacks the
operation's permission with 403 naming that permission.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from tradewind.core.models import StaffToken

PREFIX_LENGTH = 8
# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_SECRET_LENGTH = 200
# Writing the last use on every request would turn every read into a write; a minute's
# precision is enough to tell a token in use from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: StaffToken
    secret: str  # shown once; only its hash is stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: User, name: str, *, expires_at: datetime | None = None) -> IssuedToken:
    """A new API token for an active staff member; the secret is returned only here."""
    errors: dict[str, str] = {}
    if not user.is_active or not user.is_staff:
        errors["user"] = f"{user.get_username()} is not an active staff member."
    if not name.strip():
        errors["name"] = "Name the token after what will use it."
    elif len(name) > StaffToken._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = "Keep the name within 100 characters."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    token = StaffToken.objects.create(
        user=user,
        name=name.strip(),
        key_prefix=secret[:PREFIX_LENGTH],
        key_hash=_hash(secret),
        expires_at=expires_at,
    )
    return IssuedToken(token, secret)


def authenticate_token(secret: str) -> StaffToken:
    """The live token for ``secret``, with its user loaded; AuthenticationError otherwise."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        raise AuthenticationError(message="Send a staff API token: 'Authorization: Bearer …'.")
    token = StaffToken.objects.select_related("user").filter(key_hash=_hash(secret)).first()
    if token is None:
        raise AuthenticationError(message="Unknown API token.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise AuthenticationError(message=f"API token {token.key_prefix}… was revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationError(message=f"API token {token.key_prefix}… has expired.")
    if not token.user.is_active or not token.user.is_staff:
        raise AuthenticationError(
            message=f"The staff account of API token {token.key_prefix}… is not active."
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        StaffToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class StaffBearer(HttpBearer):
    """Ninja's bearer scheme over staff tokens: ``request.auth`` becomes the StaffToken."""

    def authenticate(self, request: HttpRequest, token: str) -> StaffToken:
        return authenticate_token(token.strip())


def staff(request: HttpRequest) -> User:
    token: StaffToken = request.auth  # type: ignore[attr-defined]
    return token.user


def require(request: HttpRequest, *permissions: str) -> User:
    """The token's staff member if they hold every one of ``permissions``; 403 otherwise."""
    user = staff(request)
    missing = [p for p in permissions if not user.has_perm(p)]
    if missing:
        raise AuthorizationError(
            message=f"Your role lacks the permission {', '.join(repr(p) for p in missing)} "
            "this needs."
        )
    return user
