"""A market is refused with an error on the offending field whenever its rules cannot work."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tradewind.markets.models import Market, MarketCountry
from tradewind.markets.tests.factories import fx_rate, market

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rates() -> None:
    fx_rate("USD", "1.0880")
    fx_rate("JPY", "161.69")


def unsaved(**fields: Any) -> Market:
    values: dict[str, Any] = {
        "code": "us",
        "name": "United States",
        "currency": "USD",
        "default_language": "en",
        "subfolder": "en-us",
        **fields,
    }
    return Market(**values)


def field_errors(candidate: Market | MarketCountry) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        candidate.full_clean()
    return raised.value.message_dict


def test_a_sound_market_is_accepted_and_its_currency_upper_cased() -> None:
    candidate = unsaved(currency="usd", languages=["es"], payment_methods=["card", "paypal"])

    candidate.full_clean()

    assert candidate.currency == "USD"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"currency": "XYZ"}, "currency", "not an ISO 4217 currency"),
        ({"currency": "GBP"}, "currency", "No FX rate for GBP"),
        ({"default_language": "xx"}, "default_language", "not a store language"),
        ({"languages": ["de", "xx"]}, "languages", "'xx' is not a store language"),
        ({"languages": "de"}, "languages", "list of language codes"),
        ({"payment_methods": ["card", "bitcoin"]}, "payment_methods", "bitcoin"),
        ({"subfolder": "USA"}, "subfolder", "'de-de'"),
        ({"price_adjustment_percent": Decimal(-95)}, "price_adjustment_percent", "-90"),
    ],
)
def test_bad_values_are_refused_on_their_field(fields: dict, field: str, message: str) -> None:
    errors = field_errors(unsaved(**fields))

    assert message in " ".join(errors[field])


def test_unknown_country_is_refused() -> None:
    errors = field_errors(MarketCountry(market=market(), country="ZZ"))

    assert "not an ISO 3166-1 alpha-2 country" in errors["country"][0]


def test_a_country_belongs_to_one_market_only() -> None:
    market(code="us", countries=("US",))
    other = market(code="na", subfolder="na")

    errors = field_errors(MarketCountry(market=other, country="US"))

    assert "country" in errors


def test_merchant_return_days_shorter_than_statutory_are_refused() -> None:
    errors = field_errors(unsaved(statutory_return_days=14, merchant_return_days=7))

    assert (
        "shorter than the statutory withdrawal period (14 days)"
        in (errors["merchant_return_days"][0])
    )


def test_a_merchant_policy_of_zero_means_none_beyond_the_law() -> None:
    unsaved(statutory_return_days=14, merchant_return_days=0).full_clean()
    unsaved(statutory_return_days=14, merchant_return_days=30).full_clean()


@pytest.mark.parametrize(
    ("increment", "ending"),
    [(Decimal(1), Decimal(1)), (Decimal(1), Decimal("1.50")), (None, Decimal("1.50"))],
)
def test_price_ending_must_be_below_the_rounding_step(increment, ending) -> None:
    errors = field_errors(unsaved(rounding_increment=increment, price_ending=ending))

    assert "smaller than the rounding step (1)" in errors["price_ending"][0]


def test_yen_market_cannot_round_to_fractions_of_a_yen() -> None:
    candidate = unsaved(currency="JPY", rounding_increment=Decimal("0.5"))

    errors = field_errors(candidate)

    assert "JPY prices have no unit smaller than 1" in errors["rounding_increment"][0]


def test_yen_ending_must_be_below_the_default_step_of_ten() -> None:
    errors = field_errors(unsaved(currency="JPY", price_ending=Decimal(10)))

    assert "smaller than the rounding step (10)" in errors["price_ending"][0]


def test_market_in_the_base_currency_needs_no_rate() -> None:
    unsaved(currency="EUR").full_clean()
