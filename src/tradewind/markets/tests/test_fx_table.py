"""Which rate is in force at a moment, and what happens when there is none."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tradewind.markets.services import MissingFxRate, fx_table, missing_rate_message
from tradewind.markets.tests.factories import fx_rate

pytestmark = pytest.mark.django_db

MARCH_1 = datetime(2025, 3, 1, 16, 0, tzinfo=UTC)


def test_latest_rate_on_or_before_the_moment_is_used() -> None:
    fx_rate("USD", "1.05", MARCH_1)
    fx_rate("USD", "1.06", MARCH_1 + timedelta(days=1))
    fx_rate("USD", "1.07", MARCH_1 + timedelta(days=2))

    table = fx_table(MARCH_1 + timedelta(days=1, hours=3))

    assert table.rate("EUR", "USD") == Decimal("1.06")


def test_a_rate_applies_from_its_exact_moment() -> None:
    fx_rate("USD", "1.05", MARCH_1)
    fx_rate("USD", "1.06", MARCH_1 + timedelta(days=1))

    assert fx_table(MARCH_1 + timedelta(days=1)).rate("EUR", "USD") == Decimal("1.06")
    before = MARCH_1 + timedelta(days=1, microseconds=-1)
    assert fx_table(before).rate("EUR", "USD") == Decimal("1.05")


def test_a_rate_dated_tomorrow_is_not_used_today() -> None:
    now = timezone.now()
    fx_rate("USD", "1.05", now - timedelta(days=1))
    fx_rate("USD", "9.99", now + timedelta(days=1))

    assert fx_table().rate("EUR", "USD") == Decimal("1.05")


def test_each_currency_keeps_its_own_latest_rate() -> None:
    fx_rate("USD", "1.05", MARCH_1)
    fx_rate("JPY", "160", MARCH_1 - timedelta(days=30))
    fx_rate("JPY", "161", MARCH_1 - timedelta(days=3))

    table = fx_table(MARCH_1 + timedelta(hours=1))

    assert table.per_euro == {"USD": Decimal("1.05"), "JPY": Decimal("161")}


def test_cross_rate_between_two_non_euro_currencies() -> None:
    fx_rate("USD", "1.25")
    fx_rate("GBP", "0.80")

    table = fx_table()

    assert table.rate("USD", "GBP") == Decimal("0.64")
    assert table.rate("GBP", "USD") == Decimal("1.5625")
    assert table.rate("GBP", "GBP") == Decimal(1)


def test_the_table_is_read_in_one_query(django_assert_num_queries) -> None:
    for day in range(5):
        for currency in ("USD", "GBP", "JPY"):
            fx_rate(currency, f"1.{day}", MARCH_1 + timedelta(days=day))

    with django_assert_num_queries(1):
        table = fx_table(MARCH_1 + timedelta(days=2, hours=1))

    assert table.per_euro == {c: Decimal("1.2") for c in ("USD", "GBP", "JPY")}


def test_missing_rate_names_the_currency_the_moment_and_the_fix() -> None:
    fx_rate("USD", "1.05", MARCH_1)
    at = MARCH_1 - timedelta(days=1)

    with pytest.raises(MissingFxRate) as raised:
        fx_table(at).rate("EUR", "USD")

    assert raised.value.currency == "USD"
    message = str(raised.value)
    assert "No FX rate for USD on or before 2025-02-28 16:00 UTC" in message
    assert "tradewind fx import" in message


def test_missing_rate_message_follows_the_configured_base_currency(settings) -> None:
    fx_rate("GBP", "0.84")
    assert missing_rate_message("GBP") is None
    assert missing_rate_message("EUR") is None

    settings.TRADEWIND_BASE_CURRENCY = "USD"

    message = missing_rate_message("gbp")
    assert message is not None
    assert "No FX rate for USD" in message
