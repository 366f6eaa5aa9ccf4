"""Staff set up zones, methods, weight brackets and transit times in the admin."""

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market
from tradewind.shipping.models import ShippingMethod, ShippingZone, TransitTime, WeightBracket
from tradewind.shipping.tests.factories import method, zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def eu() -> Market:
    return market(
        ("DE", "AT", "FR"), code="eu", name="Europe", currency="EUR", default_language="de"
    )


def inline(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def add_method(client, zone_id: int, brackets=(), transit=(), **fields: Any):
    data = {
        "zone": zone_id,
        "name": "Parcel",
        "carrier": "DHL",
        "service_level": "standard",
        "rate_type": "weight",
        "flat_price": "",
        "free_over": "",
        "default_min_days": 2,
        "default_max_days": 4,
        "dispatch_cutoff": "14:00",
        "is_active": "on",
        "position": 0,
        **fields,
        **inline("brackets", [{"up_to_grams": g, "price": p} for g, p in brackets]),
        **inline(
            "transit_times",
            [{"origin_country": c, "min_days": lo, "max_days": hi} for c, lo, hi in transit],
        ),
    }
    return client.post(reverse("admin:shipping_shippingmethod_add"), data)


def test_zone_is_added_with_its_countries_and_a_method(admin_client, eu) -> None:
    data = {
        "market": eu.pk,
        "name": "DACH",
        "countries": ["DE", "AT"],
        **inline(
            "methods",
            [
                {
                    "name": "Standard",
                    "carrier": "DHL",
                    "service_level": "standard",
                    "rate_type": "flat",
                    "flat_price": "4.90",
                    "default_min_days": 1,
                    "default_max_days": 3,
                    "is_active": "on",
                    "position": 0,
                }
            ],
        ),
    }

    response = admin_client.post(reverse("admin:shipping_shippingzone_add"), data)

    assert response.status_code == 302
    saved = ShippingZone.objects.get()
    assert saved.countries == ["DE", "AT"]
    assert saved.methods.get().flat_price == Decimal("4.90")


def test_zone_with_a_country_outside_the_market_is_a_field_error(admin_client, eu) -> None:
    data = {"market": eu.pk, "name": "Far", "countries": ["JP"], **inline("methods", [])}

    response = admin_client.post(reverse("admin:shipping_shippingzone_add"), data)

    errors = response.context["adminform"].form.errors
    assert errors["countries"] == [
        "Not countries of the market Europe: JP (it sells to AT, DE, FR)."
    ]
    assert not ShippingZone.objects.exists()


def test_weight_method_is_added_with_brackets_and_transit_times(admin_client, eu) -> None:
    response = add_method(
        admin_client,
        zone(eu).pk,
        brackets=[(5000, "8.90"), (1000, "5.90")],
        transit=[("DE", 1, 2), ("CN", 8, 14)],
    )

    assert response.status_code == 302
    parcel = ShippingMethod.objects.get()
    assert list(parcel.brackets.values_list("up_to_grams", "price")) == [
        (1000, Decimal("5.90")),
        (5000, Decimal("8.90")),
    ]
    assert list(parcel.transit_times.values_list("origin_country", "min_days", "max_days")) == [
        ("CN", 8, 14),
        ("DE", 1, 2),
    ]


def non_form_errors(response) -> list[str]:
    return [
        e
        for formset in response.context["inline_admin_formsets"]
        for e in formset.formset.non_form_errors()
    ]


def test_heavier_bracket_cheaper_than_a_lighter_one_is_refused(admin_client, eu) -> None:
    response = add_method(admin_client, zone(eu).pk, brackets=[(1000, "5.90"), (5000, "4.90")])

    assert non_form_errors(response) == [
        "A heavier parcel cannot cost less: up to 5000 g costs 4.90, up to 1000 g costs 5.90."
    ]
    assert not ShippingMethod.objects.exists()


def test_weight_method_without_brackets_is_refused(admin_client, eu) -> None:
    response = add_method(admin_client, zone(eu).pk)

    assert non_form_errors(response) == ["A weight-based rate needs at least one weight bracket."]
    assert not ShippingMethod.objects.exists()


def test_free_over_with_both_a_flat_price_and_brackets_is_refused(admin_client, eu) -> None:
    response = add_method(
        admin_client,
        zone(eu).pk,
        brackets=[(1000, "5.90")],
        rate_type="free_over",
        flat_price="4.90",
        free_over="50",
    )

    assert non_form_errors(response) == [
        "Charge below the threshold either a flat price or by weight brackets, not both."
    ]
    assert not WeightBracket.objects.exists()


def test_inverted_transit_range_is_a_field_error_and_nothing_is_saved(admin_client, eu) -> None:
    response = add_method(
        admin_client, zone(eu).pk, brackets=[(1000, "5.90")], transit=[("DE", 4, 2)]
    )

    [transit] = [
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "transit_times"
    ]
    assert transit.formset.errors[0]["max_days"] == [
        "Cannot be below the minimum (4 business days)."
    ]
    assert not ShippingMethod.objects.exists()
    assert not TransitTime.objects.exists()


def test_method_list_filters_by_market_and_carrier_and_searches(admin_client, eu) -> None:
    us = market(("US",), code="us", name="United States")
    method(zone(eu), name="DHL Paket", carrier="DHL")
    method(zone(eu, "FR"), name="Colissimo", carrier="La Poste")
    method(zone(us), name="Ground", carrier="UPS", flat_price=Decimal(9))
    url = reverse("admin:shipping_shippingmethod_changelist")

    def listed(**query: Any) -> set[str]:
        response = admin_client.get(url, query)
        return {m.name for m in response.context["cl"].result_list}

    assert listed() == {"DHL Paket", "Colissimo", "Ground"}
    assert listed(zone__market__id__exact=eu.pk) == {"DHL Paket", "Colissimo"}
    assert listed(carrier="UPS") == {"Ground"}
    assert listed(q="poste") == {"Colissimo"}


def test_method_list_shows_prices_as_the_market_shows_them(admin_client, eu) -> None:
    method(zone(eu), rate_type="free_over", flat_price=Decimal("4.9"), free_over=Decimal(50))

    page = admin_client.get(reverse("admin:shipping_shippingmethod_changelist")).content.decode()

    assert "4,90\xa0€, free from 50,00\xa0€" in page


def test_zone_list_shows_countries_and_method_counts(admin_client, eu) -> None:
    dach = zone(eu, "DE", "AT", name="DACH")
    method(dach, name="A")
    method(dach, name="B")
    zone(eu, name="Rest of Europe")

    response = admin_client.get(reverse("admin:shipping_shippingzone_changelist"), {"q": "eu"})

    rows = {z.name: (z.countries, z.method_count) for z in response.context["cl"].result_list}
    assert rows == {"DACH": (["DE", "AT"], 2), "Rest of Europe": ([], 0)}
    assert "rest of the market" in response.content.decode()
