"""Bank transfer: the shopper wires the amount with the order number as reference.

The order waits until the money arrives, which staff record by hand or the bank reports
through a signed webhook (the same HMAC scheme as the test gateway, with the bank's secret).
Refunds are paid out by staff from the bank account, so none happens without a person.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moneyed import Money

from tradewind.payments.providers.base import (
    SIGNATURE_HEADER,
    AuthorizeRequest,
    InvalidDetails,
    InvalidWebhook,
    NoticeKind,
    Outcome,
    PaymentRef,
    ProviderResult,
    RefundResult,
    WebhookNotice,
    header,
    load_json,
    money_from,
    sign,
    verify_signature,
)


@dataclass(frozen=True)
class BankAccount:
    iban: str
    bic: str = ""
    holder: str = ""


class BankTransferProvider:
    name = "bank_transfer"
    refunds_automatically = False

    def __init__(
        self,
        account: BankAccount | None,
        webhook_secret: str = "",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._account = account
        self._secret = webhook_secret
        self._clock = clock or (lambda: datetime.now(UTC))

    def authorize(self, request: AuthorizeRequest) -> ProviderResult:
        if self._account is None:
            raise InvalidDetails(
                {"method": "Bank transfer is not set up: the store has no bank account (IBAN)."}
            )
        digest = hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:24]
        instructions: dict[str, Any] = {
            "iban": self._account.iban,
            "bic": self._account.bic,
            "account_holder": self._account.holder,
            "reference": request.reference,
            "amount": str(request.amount.amount),
            "currency": request.amount.currency.code,
            "pay_by": request.expires_at.isoformat() if request.expires_at else None,
        }
        return ProviderResult(
            Outcome.PENDING,
            f"bt_{digest}",
            message=(
                f"Transfer {request.amount.amount} {request.amount.currency.code} to "
                f"{self._account.iban} with the reference {request.reference}."
            ),
            instructions=instructions,
        )

    def confirm(self, payment: PaymentRef, data: Mapping[str, str]) -> ProviderResult:
        raise InvalidDetails({"method": "A bank transfer has no step for the shopper to confirm."})

    def capture(self, payment: PaymentRef, amount: Money) -> ProviderResult:
        """Record that the transfer arrived (checked on the bank statement)."""
        return ProviderResult(Outcome.CAPTURED, payment.provider_ref)

    def refund(self, payment: PaymentRef, amount: Money, *, idempotency_key: str) -> RefundResult:
        return RefundResult(True, message="Pay the refund out by bank transfer.")

    def void(self, payment: PaymentRef) -> ProviderResult:
        return ProviderResult(Outcome.VOIDED, payment.provider_ref)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookNotice:
        verify_signature(body, header(headers, SIGNATURE_HEADER), self._secret, self._clock())
        event = load_json(body)
        data = event.get("data")
        if not event.get("id") or not isinstance(data, dict) or not data.get("reference"):
            raise InvalidWebhook("Webhook event needs an 'id' and data.reference.")
        kind = (
            NoticeKind.CAPTURED if event.get("type") == "transfer.received" else NoticeKind.IGNORED
        )
        return WebhookNotice(
            event_id=str(event["id"]),
            kind=kind,
            reference=str(data["reference"]),
            amount=money_from(data),
            raw=event,
        )

    def signed_webhook(
        self, event: dict[str, Any], at: float | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers the bank's notification would carry."""
        body = json.dumps(event).encode()
        timestamp = int(time.time() if at is None else at)
        return body, {SIGNATURE_HEADER: sign(body, self._secret, timestamp)}
