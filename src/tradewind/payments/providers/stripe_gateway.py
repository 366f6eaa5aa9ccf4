"""Stripe through its official SDK: PaymentIntents for payments, signed webhooks for news.

Card details never reach the store: Stripe.js turns them into a PaymentMethod id in the
browser and the store confirms a PaymentIntent with it. When the bank asks for 3-D Secure
the intent reports ``requires_action``; the shopper completes it with Stripe.js and the
store re-reads the intent (``confirm``) or hears the outcome through a webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import stripe
from moneyed import Money

from tradewind.payments.providers.base import (
    AuthorizeRequest,
    InvalidDetails,
    InvalidWebhook,
    NoticeKind,
    Outcome,
    PaymentRef,
    ProviderError,
    ProviderResult,
    RefundResult,
    WebhookNotice,
    header,
)

# Stripe's own exponents, which differ from ISO 4217 for a few currencies
# (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

STATUSES: dict[str, Outcome] = {
    "requires_payment_method": Outcome.FAILED,
    "requires_confirmation": Outcome.PENDING,
    "requires_action": Outcome.REQUIRES_ACTION,
    "processing": Outcome.PENDING,
    "requires_capture": Outcome.AUTHORIZED,
    "succeeded": Outcome.CAPTURED,
    "canceled": Outcome.VOIDED,
}

EVENTS: dict[str, NoticeKind] = {
    "payment_intent.amount_capturable_updated": NoticeKind.AUTHORIZED,
    "payment_intent.succeeded": NoticeKind.CAPTURED,
    "payment_intent.payment_failed": NoticeKind.FAILED,
    "payment_intent.canceled": NoticeKind.VOIDED,
    "charge.refunded": NoticeKind.REFUNDED,
}


def _exponent(currency: str) -> int:
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def to_minor(value: Money) -> int:
    """The integer amount Stripe expects: cents for EUR, yen for JPY."""
    return int(value.amount.scaleb(_exponent(value.currency.code)).to_integral_value())


def from_minor(amount: int, currency: str) -> Money:
    code = currency.upper()
    return Money(Decimal(amount).scaleb(-_exponent(code)), code)


class StripeProvider:
    name = "stripe"
    refunds_automatically = True

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        http_client: stripe.HTTPClient | None = None,
    ) -> None:
        self._client = stripe.StripeClient(api_key or "sk_unset", http_client=http_client)
        self._api_key = api_key
        self._webhook_secret = webhook_secret

    def _require_key(self) -> None:
        if not self._api_key:
            raise InvalidDetails(
                {"method": "Card payments through Stripe are not set up (no API key)."}
            )

    @staticmethod
    def _result(intent: Mapping[str, Any]) -> ProviderResult:
        status = str(intent["status"])
        outcome = STATUSES.get(status, Outcome.PENDING)
        error = intent.get("last_payment_error") or {}
        action = None
        if outcome is Outcome.REQUIRES_ACTION:
            action = {
                "type": "stripe_next_action",
                "client_secret": intent.get("client_secret"),
                "next_action": intent.get("next_action"),
            }
        return ProviderResult(
            outcome,
            str(intent["id"]),
            code=str(error.get("decline_code") or error.get("code") or ""),
            message=str(error.get("message") or ""),
            action=action,
            raw={"status": status},
        )

    def authorize(self, request: AuthorizeRequest) -> ProviderResult:
        self._require_key()
        payment_method = request.details.get("payment_method", "").strip()
        if not payment_method:
            raise InvalidDetails({"payment_method": "Enter the card (no Stripe payment method)."})
        params: dict[str, Any] = {
            "amount": to_minor(request.amount),
            "currency": request.amount.currency.code.lower(),
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "capture_method": "automatic" if request.capture else "manual",
            "description": f"Order {request.reference}",
            "metadata": {"reference": request.reference, **request.metadata},
        }
        if request.details.get("return_url"):
            params["return_url"] = request.details["return_url"]
        try:
            intent = self._client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.CardError as exc:
            return self._declined(exc)
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe: {exc.user_message or exc}") from exc
        return self._result(intent.to_dict())

    @staticmethod
    def _declined(exc: stripe.CardError) -> ProviderResult:
        body = exc.json_body or {}
        error = body.get("error", {}) if isinstance(body, dict) else {}
        intent = error.get("payment_intent") or {}
        return ProviderResult(
            Outcome.FAILED,
            str(intent.get("id", "")),
            code=str(error.get("decline_code") or exc.code or "card_declined"),
            message=str(exc.user_message or "Your card was declined."),
            raw={"status": intent.get("status")},
        )

    def _call(self, method: str, ref: str, params: dict[str, Any], key: str) -> ProviderResult:
        service = self._client.v1.payment_intents
        try:
            if method == "retrieve":
                intent = service.retrieve(ref)
            else:
                intent = getattr(service, method)(ref, params, {"idempotency_key": key})
        except stripe.CardError as exc:
            return self._declined(exc)
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe: {exc.user_message or exc}") from exc
        return self._result(intent.to_dict())

    def confirm(self, payment: PaymentRef, data: Mapping[str, str]) -> ProviderResult:
        """Read the intent after the shopper completed the bank's challenge with Stripe.js."""
        return self._call("retrieve", payment.provider_ref, {}, "")

    def capture(self, payment: PaymentRef, amount: Money) -> ProviderResult:
        return self._call(
            "capture",
            payment.provider_ref,
            {"amount_to_capture": to_minor(amount)},
            f"{payment.idempotency_key}:capture",
        )

    def void(self, payment: PaymentRef) -> ProviderResult:
        return self._call("cancel", payment.provider_ref, {}, f"{payment.idempotency_key}:cancel")

    def refund(self, payment: PaymentRef, amount: Money, *, idempotency_key: str) -> RefundResult:
        try:
            refund = self._client.v1.refunds.create(
                params={"payment_intent": payment.provider_ref, "amount": to_minor(amount)},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            return RefundResult(False, message=f"Stripe: {exc.user_message or exc}")
        data = refund.to_dict()
        return RefundResult(
            data.get("status") in {"succeeded", "pending"},
            str(data["id"]),
            message=str(data.get("failure_reason") or ""),
            raw={"status": data.get("status")},
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookNotice:
        if not self._webhook_secret:
            raise InvalidWebhook("Stripe webhook secret is not configured.")
        try:
            event = stripe.Webhook.construct_event(
                body.decode(), header(headers, "Stripe-Signature"), self._webhook_secret
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"Stripe signature check failed: {exc.user_message}") from None
        except (ValueError, UnicodeDecodeError):
            raise InvalidWebhook("Webhook body is not JSON.") from None
        data = event.to_dict()
        obj: dict[str, Any] = data["data"]["object"]
        kind = EVENTS.get(str(data["type"]), NoticeKind.IGNORED)
        if kind is NoticeKind.IGNORED:
            return WebhookNotice(str(data["id"]), kind, raw=data)
        if kind is NoticeKind.REFUNDED:
            ref, amount = obj.get("payment_intent") or "", obj["amount_refunded"]
        elif kind is NoticeKind.AUTHORIZED:
            ref, amount = obj["id"], obj["amount_capturable"]
        else:
            ref, amount = obj["id"], obj.get("amount_received") or obj["amount"]
        error = obj.get("last_payment_error") or {}
        return WebhookNotice(
            event_id=str(data["id"]),
            kind=kind,
            provider_ref=str(ref),
            amount=from_minor(int(amount), str(obj["currency"])),
            message=str(error.get("message") or ""),
            raw=data,
        )
