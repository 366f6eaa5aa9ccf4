"""Payment gateways' webhooks: ``POST /api/payments/webhooks/{provider}``.

The gateway signs every event; the signature, not a session, authenticates it, so the
endpoint takes no CSRF token or cookie (django-ninja checks CSRF only for cookie-based
authentication, which this router does not use). A bad signature is refused with 400 and
the reason, so the gateway's dashboard shows why its delivery failed; a replayed event is
answered like its first delivery without acting again.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router, Schema
from ninja.responses import Status
from pydantic import Field

from tradewind.api.errors import Message, NotFound

router = Router(tags=["payments"])


class WebhookReceived(Schema):
    event_id: str = Field(description="The gateway's id of the event.")
    outcome: str = Field(description="What the store did with it, e.g. 'captured'.")
    replay: bool = Field(description="True when this event was received before.")


Provider = Annotated[str, Path(examples=["stripe"])]


@router.post(
    "/payments/webhooks/{provider}",
    response={200: WebhookReceived, 400: Message, 404: Message},
    summary="Receive a payment gateway's signed event",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def receive_webhook(request: HttpRequest, provider: Provider) -> Status[dict[str, object]]:
    from tradewind.payments.providers import PROVIDER_NAMES
    from tradewind.payments.services import InvalidWebhook, handle_webhook

    if provider not in PROVIDER_NAMES:
        raise NotFound(f"No payment provider '{provider}'; known: {', '.join(PROVIDER_NAMES)}.")
    try:
        outcome = handle_webhook(provider, request.body, request.headers)
    except InvalidWebhook as exc:
        return Status(400, {"detail": f"Webhook refused: {exc}"})
    return Status(
        200, {"event_id": outcome.event_id, "outcome": outcome.outcome, "replay": outcome.replay}
    )
