"""Shipping options at checkout: per-market zones, prices and delivery windows."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tradewind.core.money import Money
from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market
from tradewind.shipping.services import ShippingOption, get_option, shipping_options
from tradewind.shipping.tests.factories import method, zone

pytestmark = pytest.mark.django_db

# Monday 16 Nov 2026, 10:00 in Berlin.
MONDAY_MORNING = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def eu() -> Market:
    return market(("DE", "AT", "FR"), code="eu", name="Europe", currency="EUR")


@pytest.fixture
def us() -> Market:
    return market(("US",), code="us", name="United States", currency="USD")


def quote(
    market: Market, country: str, *, grams: int = 1000, subtotal: str = "30", **kw: Any
) -> list[ShippingOption]:
    kw.setdefault("origin_country", "DE")
    kw.setdefault("ready_at", MONDAY_MORNING)
    return shipping_options(
        market,
        country,
        weight_grams=grams,
        subtotal=Money(Decimal(subtotal), market.currency),
        **kw,
    )


def names(options: list[ShippingOption]) -> list[str]:
    return [o.name for o in options]


def test_a_country_gets_its_own_zone_and_the_others_the_rest_of_the_market(eu, us) -> None:
    method(zone(eu, "DE"), name="DHL Paket")
    method(zone(eu), name="DHL Europaket")
    method(zone(us), name="USPS Priority", flat_price=Decimal("9.00"))

    assert names(quote(eu, "DE")) == ["DHL Paket"]
    assert names(quote(eu, "AT")) == ["DHL Europaket"]
    assert names(quote(eu, "fr")) == ["DHL Europaket"]
    assert names(quote(us, "US")) == ["USPS Priority"]


def test_prices_are_in_the_market_currency(eu, us) -> None:
    method(zone(eu), flat_price=Decimal("4.9"))
    method(zone(us), flat_price=Decimal("9"))

    assert quote(eu, "DE")[0].price == Money(Decimal("4.90"), "EUR")
    assert quote(us, "US")[0].price == Money(Decimal("9.00"), "USD")


def test_weight_rate_prices_by_bracket_and_drops_out_above_the_last(eu) -> None:
    parcel = method(
        zone(eu), name="Parcel", rate_type="weight", brackets=((1000, "5.90"), (5000, "8.90"))
    )

    assert quote(eu, "DE", grams=1000)[0].price == Money(Decimal("5.90"), "EUR")
    assert quote(eu, "DE", grams=1001)[0].price == Money(Decimal("8.90"), "EUR")
    assert quote(eu, "DE", grams=5000)[0].method_id == parcel.pk
    assert quote(eu, "DE", grams=5001) == []


def test_free_over_the_threshold_from_exactly_the_threshold(eu) -> None:
    method(zone(eu), rate_type="free_over", flat_price=Decimal("4.90"), free_over=Decimal(50))

    assert quote(eu, "DE", subtotal="49.99")[0].price == Money(Decimal("4.90"), "EUR")
    assert quote(eu, "DE", subtotal="50.00")[0].price == Money(Decimal(0), "EUR")


def test_options_are_sorted_by_price_then_speed(eu) -> None:
    rest = zone(eu)
    method(
        rest, name="Express", flat_price=Decimal("14.90"), default_min_days=1, default_max_days=1
    )
    method(rest, name="Slow", flat_price=Decimal("4.90"), default_min_days=3, default_max_days=7)
    method(rest, name="Quick", flat_price=Decimal("4.90"), default_min_days=1, default_max_days=2)

    assert names(quote(eu, "DE")) == ["Quick", "Slow", "Express"]


def test_inactive_methods_are_not_offered(eu) -> None:
    rest = zone(eu)
    method(rest, name="Standard")
    method(rest, name="Retired", is_active=False)

    assert names(quote(eu, "DE")) == ["Standard"]


def test_transit_from_a_german_warehouse_to_germany_and_to_the_us(eu, us) -> None:
    method(zone(eu), name="DHL Paket", transit=(("DE", 1, 2),))
    method(zone(us), name="DHL Express", transit=(("DE", 5, 8), ("US", 1, 3)))

    [domestic] = quote(eu, "DE")
    [abroad] = quote(us, "US")

    # Ships Monday 16 Nov: 1-2 business days in Germany, 5-8 to the US (over a weekend).
    assert (domestic.arrives_from, domestic.arrives_to) == (date(2026, 11, 17), date(2026, 11, 18))
    assert (abroad.arrives_from, abroad.arrives_to) == (date(2026, 11, 23), date(2026, 11, 26))


def test_method_defaults_apply_when_no_transit_row_matches_the_origin(eu) -> None:
    method(zone(eu), default_min_days=3, default_max_days=4, transit=(("NL", 1, 1),))

    [option] = quote(eu, "DE")

    assert (option.arrives_from, option.arrives_to) == (date(2026, 11, 19), date(2026, 11, 20))


def test_cutoff_is_read_in_the_warehouse_local_time(eu) -> None:
    method(zone(eu), default_min_days=1, default_max_days=1)
    # 13:30 UTC is 14:30 in Berlin: past the 14:00 cutoff, so it ships Tuesday.
    afternoon = datetime(2026, 11, 16, 13, 30, tzinfo=UTC)

    assert quote(eu, "DE", ready_at=afternoon)[0].arrives_from == date(2026, 11, 18)
    assert quote(eu, "DE", ready_at=afternoon, origin_country="GB")[0].arrives_from == date(
        2026, 11, 17
    )


def test_handling_days_of_the_warehouse_delay_dispatch(eu) -> None:
    method(zone(eu), default_min_days=1, default_max_days=2)

    [option] = quote(eu, "DE", handling_days=2)

    assert (option.arrives_from, option.arrives_to) == (date(2026, 11, 19), date(2026, 11, 20))


def test_a_warehouse_in_a_country_with_several_time_zones_names_its_zone(eu) -> None:
    method(zone(eu), default_min_days=1, default_max_days=1)
    # 21:00 UTC on Monday is 13:00 in Los Angeles, before the cutoff.
    evening = datetime(2026, 11, 16, 21, 0, tzinfo=UTC)

    with pytest.raises(ValidationError) as refused:
        quote(eu, "DE", origin_country="US", ready_at=evening)
    assert "several time zones" in refused.value.message_dict["timezone"][0]

    [option] = quote(
        eu, "DE", origin_country="US", ready_at=evening, timezone="America/Los_Angeles"
    )
    assert option.arrives_from == date(2026, 11, 17)


def test_a_country_of_the_market_without_a_zone_gets_no_options(eu) -> None:
    method(zone(eu, "DE"))

    assert quote(eu, "AT") == []


def test_a_country_outside_the_market_is_refused_by_name(eu, us) -> None:
    method(zone(eu))

    with pytest.raises(ValidationError) as refused:
        quote(eu, "US")

    assert refused.value.message_dict == {"country": ["Europe does not sell to US."]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"origin_country": "ZZ"}, "origin_country"),
        ({"grams": -1}, "weight_grams"),
        ({"handling_days": -1}, "handling_days"),
        ({"ready_at": datetime(2026, 11, 16, 9, 0)}, "ready_at"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_input_is_refused_naming_the_field(eu, changes: dict, field: str) -> None:
    method(zone(eu))
    country = changes.pop("country", "DE")

    with pytest.raises(ValidationError) as refused:
        quote(eu, country, **changes)

    assert list(refused.value.message_dict) == [field]


def test_subtotal_in_another_currency_is_refused(eu) -> None:
    method(zone(eu))

    with pytest.raises(ValidationError) as refused:
        shipping_options(
            eu,
            "DE",
            weight_grams=100,
            subtotal=Money(Decimal(30), "USD"),
            origin_country="DE",
            ready_at=MONDAY_MORNING,
        )

    assert refused.value.message_dict["subtotal"] == [
        "Give the subtotal in the market's currency, EUR, not USD."
    ]


@pytest.mark.parametrize("count", [1, 6])
def test_quoting_takes_the_same_queries_however_many_methods(
    eu, count: int, django_assert_num_queries
) -> None:
    rest = zone(eu)
    zone(eu, "FR")
    for n in range(count):
        method(
            rest,
            name=f"Weight {n}",
            rate_type="weight",
            brackets=((500, "3.00"), (2000, "5.00")),
            transit=(("DE", 1, 2), ("NL", 2, 3)),
        )

    # Market country check, zones, methods, brackets, transit times.
    with django_assert_num_queries(5):
        assert len(quote(eu, "DE")) == count


def kwargs(market: Market, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "weight_grams": 1000,
        "subtotal": Money(Decimal(30), market.currency),
        "origin_country": "DE",
        "ready_at": MONDAY_MORNING,
    }
    return {**values, **changes}


def test_the_chosen_option_is_quoted_as_offered(eu) -> None:
    chosen = method(zone(eu), name="Express", flat_price=Decimal("12.00"))

    option = get_option(chosen.pk, eu, "DE", **kwargs(eu))

    assert option == quote(eu, "DE")[0]


def test_a_method_of_another_zone_cannot_be_chosen(eu) -> None:
    method(zone(eu, "DE"), name="Germany only")
    elsewhere = method(zone(eu), name="Rest of Europe")

    with pytest.raises(ValidationError) as refused:
        get_option(elsewhere.pk, eu, "DE", **kwargs(eu))

    assert refused.value.message_dict == {
        "shipping_method": ["This shipping method is not available to DE."]
    }


def test_an_inactive_or_unknown_method_cannot_be_chosen(eu) -> None:
    retired = method(zone(eu), is_active=False)

    for method_id in (retired.pk, retired.pk + 1000):
        with pytest.raises(ValidationError) as refused:
            get_option(method_id, eu, "DE", **kwargs(eu))
        assert "shipping_method" in refused.value.message_dict


def test_a_method_that_cannot_take_the_parcel_cannot_be_chosen(eu) -> None:
    letter = method(zone(eu), name="Letter", rate_type="weight", brackets=((500, "1.90"),))

    with pytest.raises(ValidationError) as refused:
        get_option(letter.pk, eu, "DE", **kwargs(eu, weight_grams=501))

    assert refused.value.message_dict == {
        "shipping_method": ["Letter does not take a parcel of 501 g; choose another method."]
    }
