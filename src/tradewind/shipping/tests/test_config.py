"""Shipping configuration that makes no sense is refused with an error on the field."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market
from tradewind.shipping.models import ShippingMethod, ShippingZone, TransitTime, WeightBracket
from tradewind.shipping.tests.factories import method, zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def eu() -> Market:
    return market(("DE", "AT", "FR"), code="eu", name="Europe", currency="EUR")


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    return refused.value.message_dict


def test_zone_countries_are_normalised_to_upper_case(eu) -> None:
    alps = ShippingZone(market=eu, name="Alps", countries=["at", " de"])

    alps.full_clean()

    assert alps.countries == ["AT", "DE"]


def test_zone_countries_must_belong_to_the_market(eu) -> None:
    assert errors_of(ShippingZone(market=eu, name="Far", countries=["DE", "JP"])) == {
        "countries": ["Not countries of the market Europe: JP (it sells to AT, DE, FR)."]
    }


@pytest.mark.parametrize(
    ("countries", "message"),
    [
        (["XX"], "'XX' is not an ISO 3166-1 alpha-2 country code."),
        (["DE", "de"], "Listed more than once: DE."),
        ("DE", "Give a list of ISO country codes."),
    ],
)
def test_zone_countries_must_be_a_list_of_distinct_codes(eu, countries, message: str) -> None:
    assert errors_of(ShippingZone(market=eu, name="Z", countries=countries)) == {
        "countries": [message]
    }


def test_a_country_belongs_to_one_zone_of_a_market(eu) -> None:
    zone(eu, "DE", "AT", name="DACH")

    assert errors_of(ShippingZone(market=eu, name="Germany", countries=["DE"])) == {
        "countries": ["Already in the zone 'DACH': DE."]
    }


def test_a_market_has_one_rest_of_market_zone(eu) -> None:
    zone(eu, name="Rest of Europe")

    assert errors_of(ShippingZone(market=eu, name="Everything")) == {
        "countries": ["The zone 'Rest of Europe' already covers the rest of the market."]
    }


def test_zones_of_different_markets_do_not_clash(eu) -> None:
    zone(eu, name="Rest")
    us = market(("US",), code="us")

    ShippingZone(market=us, name="Rest", countries=["US"]).full_clean()


def test_a_saved_zone_does_not_clash_with_itself(eu) -> None:
    dach = zone(eu, "DE", "AT", name="DACH")

    dach.full_clean()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"rate_type": "flat", "flat_price": None}, {"flat_price": ["A flat rate needs a price."]}),
        (
            {"rate_type": "free_over", "flat_price": Decimal(5)},
            {"free_over": ["A free-over rate needs the subtotal from which it is free."]},
        ),
        (
            {"flat_price": Decimal("4.999")},
            {"flat_price": ["EUR prices have no unit smaller than 0.01."]},
        ),
        (
            {"default_min_days": 5, "default_max_days": 2},
            {"default_max_days": ["Cannot be below the minimum (5 business days)."]},
        ),
        (
            {"flat_price": Decimal(-1)},
            {"flat_price": ["Cannot be negative."]},
        ),
    ],
)
def test_method_settings_are_checked_by_field(eu, fields: dict, errors: dict) -> None:
    values = {"name": "Standard", "carrier": "DHL", "flat_price": Decimal(5), **fields}

    assert errors_of(ShippingMethod(zone=zone(eu), **values)) == errors


def test_a_valid_method_passes(eu) -> None:
    ShippingMethod(
        zone=zone(eu),
        name="Express",
        carrier="UPS",
        service_level="express",
        rate_type="free_over",
        flat_price=Decimal("9.90"),
        free_over=Decimal(100),
        dispatch_cutoff=time(16, 0),
    ).full_clean()


def test_yen_bracket_prices_have_no_decimals() -> None:
    japan = market(("JP",), code="jp", currency="JPY", default_language="ja")
    parcel = method(zone(japan), rate_type="weight")

    assert errors_of(WeightBracket(method=parcel, up_to_grams=500, price=Decimal("800.5"))) == {
        "price": ["JPY prices have no unit smaller than 1."]
    }


def test_transit_minimum_cannot_exceed_maximum(eu) -> None:
    row = TransitTime(method=method(zone(eu)), origin_country="de", min_days=4, max_days=2)

    assert errors_of(row) == {"max_days": ["Cannot be below the minimum (4 business days)."]}


def test_transit_origin_must_be_a_country(eu) -> None:
    row = TransitTime(method=method(zone(eu)), origin_country="QQ", min_days=1, max_days=2)

    assert list(errors_of(row)) == ["origin_country"]


def test_the_database_refuses_an_inverted_transit_range_too(eu) -> None:
    standard = method(zone(eu))

    with pytest.raises(IntegrityError), transaction.atomic():
        TransitTime.objects.create(method=standard, origin_country="DE", min_days=3, max_days=1)
