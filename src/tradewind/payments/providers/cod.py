"""Cash on delivery: the order ships unpaid and the courier collects the amount.

Starting the payment authorizes it (the store accepts the order for shipping); capturing
records that the courier handed the cash over. Whether a market offers it, and up to what
amount, is decided by the payment services from the market's settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from moneyed import Money

from tradewind.payments.providers.base import (
    AuthorizeRequest,
    InvalidDetails,
    InvalidWebhook,
    Outcome,
    PaymentRef,
    ProviderResult,
    RefundResult,
    WebhookNotice,
)


class CashOnDeliveryProvider:
    name = "cod"
    refunds_automatically = False

    def authorize(self, request: AuthorizeRequest) -> ProviderResult:
        digest = hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:24]
        return ProviderResult(
            Outcome.AUTHORIZED,
            f"cod_{digest}",
            message=(
                f"Pay {request.amount.amount} {request.amount.currency.code} in cash "
                "when the parcel is delivered."
            ),
        )

    def confirm(self, payment: PaymentRef, data: Mapping[str, str]) -> ProviderResult:
        raise InvalidDetails({"method": "Cash on delivery has no step for the shopper to confirm."})

    def capture(self, payment: PaymentRef, amount: Money) -> ProviderResult:
        return ProviderResult(Outcome.CAPTURED, payment.provider_ref)

    def refund(self, payment: PaymentRef, amount: Money, *, idempotency_key: str) -> RefundResult:
        return RefundResult(True, message="Pay the refund out to the shopper by hand.")

    def void(self, payment: PaymentRef) -> ProviderResult:
        return ProviderResult(Outcome.VOIDED, payment.provider_ref)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookNotice:
        raise InvalidWebhook("Cash on delivery sends no webhooks.")
