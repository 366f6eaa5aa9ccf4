"""The one interface every payment provider implements, and the values it exchanges.

Providers are plain classes with no Django import: configuration (keys, secrets, a bank
account) is given to their constructor, and they never touch the database. The payment
services own the state; a provider only talks to its gateway and reports what happened.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Protocol

from moneyed import Money


class Outcome(StrEnum):
    """Where a gateway call left the payment (the subset of payment statuses it can report)."""

    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    VOIDED = "voided"


class InvalidDetails(ValueError):
    """The shopper's payment details are malformed; ``errors`` maps field names to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


class ProviderError(RuntimeError):
    """The gateway could not be reached or refused the request for a non-card reason."""


class InvalidWebhook(ValueError):
    """A webhook whose signature, timestamp or body cannot be trusted: answer it with a 400."""


@dataclass(frozen=True)
class AuthorizeRequest:
    reference: str
    amount: Money
    details: Mapping[str, str]
    idempotency_key: str
    at: datetime
    capture: bool = True
    expires_at: datetime | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentRef:
    """What a provider needs to act on an existing payment."""

    provider_ref: str
    reference: str
    amount: Money
    idempotency_key: str
    #: Whether an approval captures at once (else it only authorizes, for a later capture).
    capture: bool = True


@dataclass(frozen=True)
class ProviderResult:
    outcome: Outcome
    provider_ref: str = ""
    code: str = ""
    message: str = ""
    action: dict[str, Any] | None = None
    instructions: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    provider_ref: str = ""
    message: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class NoticeKind(StrEnum):
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    VOIDED = "voided"
    REFUNDED = "refunded"
    IGNORED = "ignored"


@dataclass(frozen=True)
class WebhookNotice:
    """A verified webhook, reduced to what the payment services act on.

    ``amount`` is the amount the event is about: received for a capture, the total refunded
    so far for a refund. A notice names its payment by ``provider_ref`` or, for a bank
    transfer, by the ``reference`` the shopper wrote on it.
    """

    event_id: str
    kind: NoticeKind
    provider_ref: str = ""
    reference: str = ""
    amount: Money | None = None
    message: str = ""
    refund_ref: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class PaymentProvider(Protocol):
    name: str
    #: Whether money taken can be sent back through the gateway without a person.
    refunds_automatically: bool

    def authorize(self, request: AuthorizeRequest) -> ProviderResult: ...

    def confirm(self, payment: PaymentRef, data: Mapping[str, str]) -> ProviderResult: ...

    def capture(self, payment: PaymentRef, amount: Money) -> ProviderResult: ...

    def refund(
        self, payment: PaymentRef, amount: Money, *, idempotency_key: str
    ) -> RefundResult: ...

    def void(self, payment: PaymentRef) -> ProviderResult: ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookNotice: ...


SIGNATURE_HEADER = "Tradewind-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (Unix seconds).

    The timestamp is signed with the body so a captured request cannot be replayed later
    with a fresh time.
    """
    digest = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(body: bytes, header: str | None, secret: str, now: datetime) -> None:
    """Raise InvalidWebhook unless ``header`` signs ``body`` with ``secret`` within 5 minutes."""
    if not secret:
        raise InvalidWebhook("Webhook secret is not configured; the event cannot be verified.")
    if not header:
        raise InvalidWebhook(f"Missing {SIGNATURE_HEADER} header.")
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise InvalidWebhook(f"Malformed {SIGNATURE_HEADER} header.") from None
    expected = sign(body, secret, timestamp).rsplit("v1=", 1)[1]
    if not hmac.compare_digest(given, expected):
        raise InvalidWebhook("Webhook signature does not match.")
    if abs(now.timestamp() - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise InvalidWebhook("Webhook timestamp is outside the 5 minute tolerance.")


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by case-insensitive name (frameworks differ in how they spell them)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def load_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidWebhook("Webhook body is not JSON.") from None
    if not isinstance(data, dict):
        raise InvalidWebhook("Webhook body must be a JSON object.")
    return data


def money_from(data: Mapping[str, Any]) -> Money:
    try:
        return Money(Decimal(str(data["amount"])), str(data["currency"]).upper())
    except (KeyError, InvalidOperation):
        raise InvalidWebhook("Webhook event needs an 'amount' and a 'currency'.") from None
