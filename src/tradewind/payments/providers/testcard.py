"""A card gateway simulator that behaves like a real one, driven by test card numbers.

The numbers are Stripe's, so a team switching to Stripe keeps its habits:

    4242 4242 4242 4242  approved
    4000 0000 0000 0002  declined (card_declined)
    4000 0000 0000 9995  declined (insufficient_funds)
    4000 0000 0000 0069  declined (expired_card)
    4000 0000 0000 0119  gateway error (processing_error)
    4000 0025 0000 3155  approved after a 3-D Secure challenge

Any other number passing the Luhn check is approved, as at a real test gateway. The
gateway keeps no state: references and challenge ids are keyed hashes, so repeating a
request with the same idempotency key yields the same reference.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
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

APPROVE = "4242424242424242"
DECLINE = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
EXPIRED = "4000000000000069"
PROCESSING_ERROR = "4000000000000119"
THREE_D_SECURE = "4000002500003155"


@dataclass(frozen=True)
class _Decline:
    code: str
    message: str


DECLINES: dict[str, _Decline] = {
    DECLINE: _Decline("card_declined", "Your card was declined."),
    INSUFFICIENT_FUNDS: _Decline("insufficient_funds", "Your card has insufficient funds."),
    EXPIRED: _Decline("expired_card", "Your card has expired."),
    PROCESSING_ERROR: _Decline(
        "processing_error", "An error occurred while processing your card. Try again."
    ),
}

WEBHOOK_TOPICS: dict[str, NoticeKind] = {
    "payment.authorized": NoticeKind.AUTHORIZED,
    "payment.captured": NoticeKind.CAPTURED,
    "payment.failed": NoticeKind.FAILED,
    "payment.voided": NoticeKind.VOIDED,
    "payment.refunded": NoticeKind.REFUNDED,
}


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def card_errors(details: Mapping[str, str], today: datetime) -> dict[str, str]:
    """Field errors in the card number, expiry (MM/YY) and security code."""
    errors: dict[str, str] = {}
    number = re.sub(r"[\s-]", "", details.get("card_number", ""))
    if not number:
        errors["card_number"] = "Enter the card number."
    elif not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_valid(number):
        errors["card_number"] = "This card number is not valid."
    expiry = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", details.get("card_expiry", ""))
    if expiry is None or not 1 <= int(expiry[1]) <= 12:
        errors["card_expiry"] = "Enter the expiry date as MM/YY."
    else:
        month, year = int(expiry[1]), int(expiry[2])
        year += 2000 if year < 100 else 0
        if (year, month) < (today.year, today.month):
            errors["card_expiry"] = "This card has expired."
    if not re.fullmatch(r"\d{3,4}", details.get("card_cvc", "").strip()):
        errors["card_cvc"] = "Enter the 3 or 4 digit security code."
    return errors


class TestCardProvider:
    name = "test_card"
    refunds_automatically = True
    # Tell pytest this is not a test class despite its name.
    __test__ = False

    def __init__(self, secret: str, clock: Callable[[], datetime] | None = None) -> None:
        self._secret = secret
        self._clock = clock or (lambda: datetime.now(UTC))

    def _key(self, purpose: str, value: str, length: int = 24) -> str:
        return hmac.new(
            self._secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256
        ).hexdigest()[:length]

    def challenge_for(self, provider_ref: str) -> str:
        return self._key("3ds", provider_ref, 32)

    def authorize(self, request: AuthorizeRequest) -> ProviderResult:
        errors = card_errors(request.details, request.at)
        if errors:
            raise InvalidDetails(errors)
        number = re.sub(r"[\s-]", "", request.details["card_number"])
        ref = "tc_" + self._key("payment", request.idempotency_key)
        raw = {"card_last4": number[-4:], "capture": request.capture}
        decline = DECLINES.get(number)
        if decline is not None:
            return ProviderResult(Outcome.FAILED, ref, decline.code, decline.message, raw=raw)
        if number == THREE_D_SECURE:
            action = {
                "type": "three_d_secure",
                "challenge_id": self.challenge_for(ref),
                "message": "Confirm this payment with your bank.",
            }
            return ProviderResult(Outcome.REQUIRES_ACTION, ref, action=action, raw=raw)
        return ProviderResult(self._approved(request.capture), ref, raw=raw)

    @staticmethod
    def _approved(capture: bool) -> Outcome:
        return Outcome.CAPTURED if capture else Outcome.AUTHORIZED

    def confirm(self, payment: PaymentRef, data: Mapping[str, str]) -> ProviderResult:
        """Complete a 3-D Secure challenge: ``result`` is what the shopper did at the bank."""
        given = data.get("challenge_id", "")
        if not hmac.compare_digest(given, self.challenge_for(payment.provider_ref)):
            raise InvalidDetails({"challenge_id": "This challenge does not belong to the payment."})
        result = data.get("result", "authenticated")
        if result == "authenticated":
            return ProviderResult(self._approved(payment.capture), payment.provider_ref)
        if result == "failed":
            return ProviderResult(
                Outcome.FAILED,
                payment.provider_ref,
                "authentication_failed",
                "Your bank could not confirm this payment.",
            )
        raise InvalidDetails({"result": "Give 'authenticated' or 'failed'."})

    def capture(self, payment: PaymentRef, amount: Money) -> ProviderResult:
        return ProviderResult(Outcome.CAPTURED, payment.provider_ref, raw={"amount": str(amount)})

    def refund(self, payment: PaymentRef, amount: Money, *, idempotency_key: str) -> RefundResult:
        return RefundResult(True, "tcre_" + self._key("refund", idempotency_key))

    def void(self, payment: PaymentRef) -> ProviderResult:
        return ProviderResult(Outcome.VOIDED, payment.provider_ref)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookNotice:
        verify_signature(body, header(headers, SIGNATURE_HEADER), self._secret, self._clock())
        event = load_json(body)
        kind = WEBHOOK_TOPICS.get(str(event.get("type", "")), NoticeKind.IGNORED)
        data = event.get("data")
        if not event.get("id") or not isinstance(data, dict) or not data.get("payment"):
            raise InvalidWebhook("Webhook event needs an 'id' and data.payment.")
        return WebhookNotice(
            event_id=str(event["id"]),
            kind=kind,
            provider_ref=str(data["payment"]),
            amount=money_from(data) if "amount" in data else None,
            message=str(data.get("message", "")),
            refund_ref=str(data.get("refund", "")),
            raw=event,
        )

    def signed_webhook(
        self, event: dict[str, Any], at: float | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers the gateway would send for ``event`` (what its servers do)."""
        body = json.dumps(event).encode()
        timestamp = int(time.time() if at is None else at)
        return body, {SIGNATURE_HEADER: sign(body, self._secret, timestamp)}
