"""The shopper's emails speak the order's language and write amounts as its country does,
and exist only for changes that were committed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from tradewind.core.outbox import dispatch_pending
from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market
from tradewind.orders import emails, services
from tradewind.orders.handlers import HANDLERS
from tradewind.orders.models import Order
from tradewind.orders.tests.conftest import MakeOrder, line


def html_of(email: mail.EmailMessage) -> str:
    """The HTML alternative of a sent email."""
    assert isinstance(email, mail.EmailMultiAlternatives)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return str(html)


pytestmark = pytest.mark.django_db


@pytest.fixture
def japan(db: Any) -> Market:
    return market(("JP",), code="jp", currency="JPY", default_language="ja")


@pytest.fixture
def gulf(db: Any) -> Market:
    return market(("AE",), code="ae", currency="AED", default_language="ar")


def for_shopper(order: Order, language: str, address: dict[str, str]) -> Order:
    """The order as placed by a shopper speaking ``language``, shipping to ``address``."""
    Order.objects.filter(pk=order.pk).update(language=language, shipping_address=address)
    order.refresh_from_db()
    return order


def paid(order: Order) -> Order:
    services.transition(order, "paid", actor_label="payments:test")
    dispatch_pending(HANDLERS)
    return order


def test_a_japanese_order_is_confirmed_in_japanese_in_whole_yen(
    japan: Market, make_order: MakeOrder, tee: Any
) -> None:
    order = for_shopper(
        make_order(in_market=japan, lines=[line(tee, 2, "2400")]),
        "ja",
        {"country": "JP", "city": "Shibuya", "postal_code": "150-0001"},
    )

    paid(order)

    [email] = mail.outbox
    assert email.subject == f"ご注文 {order.number} を承りました"
    assert "合計: ￥4,805" in email.body
    assert "〒150-0001" in email.body


def test_an_arabic_email_reads_right_to_left_with_dirhams(
    gulf: Market, make_order: MakeOrder, tee: Any
) -> None:
    order = for_shopper(
        make_order(in_market=gulf, lines=[line(tee, 1, "99.50")]), "ar", {"country": "AE"}
    )

    paid(order)

    [email] = mail.outbox
    assert email.subject == f"تم تأكيد الطلب {order.number}"
    html = html_of(email)
    assert 'dir="rtl"' in html
    assert emails.email_locale(order) == "ar_AE"
    assert "الإجمالي: \u200f104.50\xa0د.إ.\u200f" in email.body


@pytest.mark.parametrize(
    ("language", "country", "subject", "total"),
    [
        ("fr", "FR", "Commande {} confirmée", "Total: 80,00\xa0€"),
        ("es", "ES", "Pedido {} confirmado", "Total: 80,00\xa0€"),
        ("en", "IE", "Order {} confirmed", "Total: €80.00"),
    ],
)
def test_each_language_gets_its_own_words_and_number_format(
    make_order: MakeOrder, language: str, country: str, subject: str, total: str
) -> None:
    order = for_shopper(make_order(), language, {"country": country})

    paid(order)

    [email] = mail.outbox
    assert email.subject == subject.format(order.number)
    assert total in email.body


def test_a_language_without_a_catalog_falls_back_to_english(make_order: MakeOrder) -> None:
    order = for_shopper(make_order(), "it", {"country": "IT"})

    paid(order)

    [email] = mail.outbox
    assert email.subject == f"Order {order.number} confirmed"
    assert "80,00\xa0€" in email.body  # Italian number format all the same


def test_no_email_for_an_order_whose_payment_rolled_back(make_order: MakeOrder) -> None:
    order = make_order()
    with transaction.atomic():
        services.transition(order, "paid", actor_label="payments:test")
        transaction.set_rollback(True)

    dispatch_pending(HANDLERS)

    assert mail.outbox == []


def test_the_text_part_is_not_html_escaped(make_order: MakeOrder, tee: Any) -> None:
    tee.product.name = "Tee & Co <Classic>"
    order = make_order(lines=[line(tee, 1, "20.00")])
    order.lines.update(product_name="Tee & Co <Classic>")

    paid(order)

    [email] = mail.outbox
    assert "1 \u00d7 Tee & Co <Classic>" in email.body
    assert "Tee &amp; Co &lt;Classic&gt;" in html_of(email)
