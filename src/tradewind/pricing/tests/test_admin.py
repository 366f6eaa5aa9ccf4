"""Fixed market prices are set in the admin, finding variants and markets by search."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tradewind.catalog.models import Product, Variant
from tradewind.markets.tests.factories import fx_rate, market
from tradewind.pricing.models import PriceOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee() -> Variant:
    product = Product.objects.create(handle="tee", name="Organic tee")
    return Variant.objects.create(product=product, sku="TEE-M", price_amount=Decimal(20))


def test_override_is_added_through_the_admin(admin_client, tee: Variant) -> None:
    fx_rate("JPY", "161.69")
    japan = market(code="jp", currency="JPY", default_language="ja")

    response = admin_client.post(
        reverse("admin:pricing_priceoverride_add"),
        {"variant": tee.pk, "market": japan.pk, "amount": "2980", "compare_at_amount": ""},
    )

    assert response.status_code == 302
    assert PriceOverride.objects.get().amount == Decimal(2980)


def test_yen_override_with_decimals_is_a_field_error(admin_client, tee: Variant) -> None:
    japan = market(code="jp", currency="JPY", default_language="ja")

    response = admin_client.post(
        reverse("admin:pricing_priceoverride_add"),
        {"variant": tee.pk, "market": japan.pk, "amount": "2980.50"},
    )

    errors = response.context["adminform"].form.errors
    assert errors["amount"] == ["JPY prices have no unit smaller than 1."]
    assert not PriceOverride.objects.exists()


def test_add_form_searches_variants_and_markets(admin_client, tee: Variant) -> None:
    page = admin_client.get(reverse("admin:pricing_priceoverride_add")).content.decode()

    assert 'data-field-name="variant"' in page
    assert 'data-field-name="market"' in page


@pytest.mark.parametrize(
    ("field", "term", "found"), [("variant", "TEE", "TEE-M"), ("market", "jap", "Japan (JPY)")]
)
def test_autocomplete_finds_by_sku_and_market_name(
    admin_client, tee: Variant, field: str, term: str, found: str
) -> None:
    market(code="jp", name="Japan", currency="JPY", default_language="ja")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "pricing", "model_name": "priceoverride", "field_name": field, "term": term},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [found]


def test_changelist_shows_prices_as_shoppers_see_them(admin_client, tee: Variant) -> None:
    germany = market(code="de", currency="EUR", default_language="de")
    PriceOverride.objects.create(
        variant=tee, market=germany, amount=Decimal("1234.5"), compare_at_amount=Decimal(1500)
    )

    page = admin_client.get(reverse("admin:pricing_priceoverride_changelist")).content.decode()

    assert "1.234,50\xa0€" in page
    assert "1.500,00\xa0€" in page
    assert "Organic tee" in page
