"""Staff accounts: a Django user with one role (group) and admin access."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tradewind.core.roles import ROLES, sync_roles


def create_staff(email: str, password: str, *, role: str, superuser: bool = False) -> User:
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(f"{email!r} is not a valid email address.") from exc
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    model = get_user_model()
    if model.objects.filter(username__iexact=email).exists():
        raise ValidationError(f"A staff account for {email} already exists.")
    validate_password(password, model(username=email, email=email))
    with transaction.atomic():
        if not Group.objects.filter(name=role).exists():
            sync_roles()
        user = model.objects.create_user(
            username=email, email=email, password=password, is_staff=True, is_superuser=superuser
        )
        user.groups.add(Group.objects.get(name=role))
    return user
