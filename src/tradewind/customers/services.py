"""Use cases for shoppers' accounts and address books."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from tradewind.customers.addresses import ADDRESS_FIELDS, NormalizedAddress, validate_address
from tradewind.customers.models import Address, Customer, normalize_email
from tradewind.markets.validators import validate_language

if TYPE_CHECKING:
    from tradewind.markets.models import Market

__all__ = [
    "NormalizedAddress",
    "add_address",
    "authenticate",
    "change_password",
    "delete_address",
    "register",
    "set_default_address",
    "set_marketing_consent",
    "update_address",
    "validate_address",
]

DUPLICATE_EMAIL = "An account with this email already exists; sign in instead."


def register(
    email: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    language: str | None = None,
    market: Market | None = None,
    accepts_marketing: bool = False,
) -> Customer:
    """Open a shopper's account; every problem is reported at its field at once."""
    customer = Customer(
        email=normalize_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language or (market.default_language if market else settings.LANGUAGE_CODE),
        market=market,
        accepts_marketing=accepts_marketing,
        marketing_consent_at=timezone.now() if accepts_marketing else None,
    )
    errors: dict[str, list[str]] = {}
    try:
        validate_email(customer.email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    else:
        if Customer.objects.filter(email=customer.email).exists():
            errors["email"] = [DUPLICATE_EMAIL]
    for field, limit in (("first_name", 150), ("last_name", 150)):
        if len(getattr(customer, field)) > limit:
            errors[field] = [f"Use at most {limit} characters."]
    try:
        validate_language(customer.language)
    except ValidationError as exc:
        errors["language"] = exc.messages
    try:
        _check_strength(password, customer)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)

    customer.password = make_password(password)
    try:
        # A savepoint, so a lost race for the address leaves the caller's transaction usable.
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        raise ValidationError({"email": [DUPLICATE_EMAIL]}) from exc
    return customer


def _check_strength(password: str, customer: Customer) -> None:
    # Django's validators only read attributes (email, names) of the account they compare
    # the password with, so a customer serves although the signature names auth's User.
    validate_password(password, user=cast(Any, customer))


@functools.cache
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> Customer | None:
    """The active customer with these credentials, or None.

    An unknown email costs the same hash check as a known one, so response times do not
    tell which addresses have accounts.
    """
    customer = Customer.objects.filter(email=normalize_email(email), is_active=True).first()
    if customer is None or not customer.has_password:
        check_password(password, _dummy_hash())
        return None

    def upgrade(raw: str) -> None:
        # Hashes from an older algorithm or cost are replaced once the password is known.
        customer.password = make_password(raw)
        customer.save(update_fields=["password"])

    if not check_password(password, customer.password, setter=upgrade):
        return None
    return customer


def change_password(customer: Customer, new_password: str) -> Customer:
    """Set a new password; sessions signed in with the old one stop being valid."""
    try:
        _check_strength(new_password, customer)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    customer.password = make_password(new_password)
    customer.save(update_fields=["password"])
    return customer


def set_marketing_consent(customer: Customer, accepts: bool) -> Customer:
    """Record the shopper's marketing choice and when it was made."""
    if customer.accepts_marketing != accepts or customer.marketing_consent_at is None:
        customer.accepts_marketing = accepts
        customer.marketing_consent_at = timezone.now()
        customer.save(update_fields=["accepts_marketing", "marketing_consent_at"])
    return customer


def add_address(
    customer: Customer | None,
    data: Mapping[str, Any],
    *,
    default_shipping: bool | None = None,
    default_billing: bool | None = None,
    phone_required: bool = False,
) -> Address:
    """Validate and store an address; without a customer it is a guest's snapshot.

    A customer's first address becomes the default for shipping and billing unless told
    otherwise.
    """
    normalized = validate_address(data, phone_required=phone_required)
    if customer is None:
        return Address.objects.create(**normalized.as_dict())
    with transaction.atomic():
        _lock(customer)
        present = Address.objects.filter(customer=customer).aggregate(
            shipping=Count("pk", filter=Q(is_default_shipping=True)),
            billing=Count("pk", filter=Q(is_default_billing=True)),
        )
        shipping = present["shipping"] == 0 if default_shipping is None else default_shipping
        billing = present["billing"] == 0 if default_billing is None else default_billing
        _clear_defaults(
            customer,
            shipping=shipping and present["shipping"] > 0,
            billing=billing and present["billing"] > 0,
        )
        return Address.objects.create(
            customer=customer,
            is_default_shipping=shipping,
            is_default_billing=billing,
            **normalized.as_dict(),
        )


def update_address(
    address: Address, data: Mapping[str, Any], *, phone_required: bool = False
) -> Address:
    """Change some fields of an address; the result is checked as a whole."""
    current = {field: getattr(address, field) for field in ADDRESS_FIELDS}
    normalized = validate_address({**current, **data}, phone_required=phone_required)
    for field, value in normalized.as_dict().items():
        setattr(address, field, value)
    address.save()
    return address


def delete_address(address: Address) -> None:
    """Remove an address; the newest remaining one takes over the defaults it held."""
    customer = address.customer
    with transaction.atomic():
        if customer is not None:
            _lock(customer)
        was_shipping, was_billing = address.is_default_shipping, address.is_default_billing
        address.delete()
        if customer is None or not (was_shipping or was_billing):
            return
        successor = Address.objects.filter(customer=customer).order_by("-created_at", "-id").first()
        if successor is not None:
            set_default_address(successor, shipping=was_shipping, billing=was_billing)


def set_default_address(
    address: Address, *, shipping: bool = False, billing: bool = False
) -> Address:
    """Make ``address`` the customer's default for shipping and/or billing."""
    customer = address.customer
    if customer is None:
        raise ValidationError({"address": ["A guest's address cannot be a default."]})
    with transaction.atomic():
        _lock(customer)
        _clear_defaults(customer, shipping=shipping, billing=billing, keep=address)
        address.is_default_shipping = address.is_default_shipping or shipping
        address.is_default_billing = address.is_default_billing or billing
        address.save(update_fields=["is_default_shipping", "is_default_billing", "updated_at"])
    return address


def _lock(customer: Customer) -> None:
    """Serialize changes to one customer's address book (the one-default rule)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk").first()


def _clear_defaults(
    customer: Customer, *, shipping: bool, billing: bool, keep: Address | None = None
) -> None:
    others = Address.objects.filter(customer=customer)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    if shipping:
        others.filter(is_default_shipping=True).update(is_default_shipping=False)
    if billing:
        others.filter(is_default_billing=True).update(is_default_billing=False)
