"""Creating and updating products: all input is checked first, then written at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tradewind.catalog import services
from tradewind.catalog.models import Product, ProductTranslation, Publication, Variant
from tradewind.catalog.services import ProductInput, TranslationInput, VariantInput

from .conftest import MakeProduct

pytestmark = pytest.mark.django_db


def sneaker(**changes: Any) -> ProductInput:
    fields: dict[str, Any] = {
        "handle": "court-sneaker",
        "name": "Court Sneaker",
        "option_names": ["Size", "Colour"],
        "hs_code": "6404.11",
        "origin_country": "pt",
        "variants": [
            VariantInput("CS-40-W", Decimal("89.00"), {"Size": "40", "Colour": "White"}),
            VariantInput(
                "CS-41-W",
                Decimal("89.00"),
                {"Size": "41", "Colour": "White"},
                barcode="4006381333931",
            ),
        ],
        "translations": {"de": TranslationInput("Court-Sneaker", "Leder.")},
    }
    fields.update(changes)
    return ProductInput(**fields)


def errors_of(data: ProductInput, product: Product | None = None) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        if product is None:
            services.create_product(data)
        else:
            services.update_product(product, data)
    return caught.value.message_dict


def test_a_product_is_created_with_its_variants_and_translations() -> None:
    product = services.create_product(sneaker())
    assert [v.sku for v in product.variants.order_by("position")] == ["CS-40-W", "CS-41-W"]
    assert product.translations.get().name == "Court-Sneaker"
    # Customs codes are stored in the bare form customs forms use.
    assert (product.hs_code, product.origin_country) == ("640411", "PT")


@pytest.mark.parametrize(
    ("option_names", "complaint"),
    [
        (["Size", "Colour", "Material", "Fit"], "at most 3 options"),
        (["Size", "size"], "must differ"),
        (["Size", " "], "must not be empty"),
    ],
)
def test_option_names_are_checked(option_names: list[str], complaint: str) -> None:
    errors = errors_of(sneaker(option_names=option_names))
    assert complaint in " ".join(errors["option_names"])


def test_variant_options_must_use_the_product_option_names() -> None:
    data = sneaker(variants=[VariantInput("CS-1", Decimal("1"), {"Size": "40", "Color": "White"})])
    message = " ".join(errors_of(data)["variants[0].options"])
    assert "Unknown options Color" in message
    assert "Missing a value for Colour" in message


def test_two_variants_cannot_have_the_same_option_values() -> None:
    same = {"Size": "40", "Colour": "White"}
    data = sneaker(
        variants=[
            VariantInput("CS-1", Decimal("1"), same),
            VariantInput("CS-2", Decimal("1"), same),
        ]
    )
    assert "variants[1].options" in errors_of(data)


def test_a_sku_cannot_repeat_within_the_product() -> None:
    options = [{"Size": "40", "Colour": "White"}, {"Size": "41", "Colour": "White"}]
    data = sneaker(variants=[VariantInput("DUP", Decimal("1"), o) for o in options])
    assert "appears twice" in " ".join(errors_of(data)["variants[1].sku"])


def test_a_sku_already_used_by_another_product_is_refused(make_product: MakeProduct) -> None:
    make_product("boots", "Boots", skus=("CS-40-W",))
    message = " ".join(errors_of(sneaker())["variants[0].sku"])
    assert "already used by product 'boots'" in message


@pytest.mark.parametrize("barcode", ["4006381333932", "12345", "ABCDEFGHIJKLM"])
def test_a_barcode_must_be_a_valid_gtin(barcode: str) -> None:
    data = sneaker(
        option_names=[],
        variants=[VariantInput("CS-1", Decimal("1"), barcode=barcode)],
    )
    assert "not a valid GTIN" in " ".join(errors_of(data)["variants[0].barcode"])


@pytest.mark.parametrize(
    "barcode",
    ["96385074", "036000291452", "4006381333931", "10614141000415"],
    ids=["GTIN-8", "GTIN-12", "GTIN-13", "GTIN-14"],
)
def test_every_gtin_length_is_accepted(barcode: str) -> None:
    data = sneaker(option_names=[], variants=[VariantInput("CS-1", Decimal("1"), barcode=barcode)])
    assert services.create_product(data).variants.get().barcode == barcode


@pytest.mark.parametrize("hs_code", ["6404", "64041", "640411123456", "64O411"])
def test_a_bad_hs_code_is_refused(hs_code: str) -> None:
    assert "hs_code" in errors_of(sneaker(hs_code=hs_code))


@pytest.mark.parametrize("country", ["XX", "Portugal", "P"])
def test_a_bad_origin_country_is_refused(country: str) -> None:
    message = " ".join(errors_of(sneaker(origin_country=country))["origin_country"])
    assert "country code" in message


def test_bad_currency_negative_price_and_low_compare_at_are_refused() -> None:
    data = sneaker(
        option_names=[],
        variants=[
            VariantInput("A", Decimal("-1"), price_currency="EURO"),
            VariantInput("B", Decimal("10"), compare_at_amount=Decimal("5")),
        ],
    )
    errors = errors_of(data)
    assert {"variants[0].price_amount", "variants[0].price_currency"} <= set(errors)
    assert "variants[1].compare_at_amount" in errors


def test_translations_need_a_store_language_and_a_name() -> None:
    data = sneaker(
        translations={
            "xx": TranslationInput("Nope"),
            "fr": TranslationInput("  "),
            "en": TranslationInput("Same as the product"),
        }
    )
    errors = errors_of(data)
    assert "not a store language" in " ".join(errors["translations[xx]"])
    assert "translations[fr].name" in errors
    assert "translations[en]" in errors


def test_a_product_needs_a_variant() -> None:
    assert "variants" in errors_of(sneaker(variants=[]))


def test_every_problem_is_reported_at_once_and_nothing_is_written() -> None:
    data = sneaker(hs_code="12", origin_country="ZZ", variants=[VariantInput("X", Decimal("1"))])
    errors = errors_of(data)
    assert {"hs_code", "origin_country", "variants[0].options"} <= set(errors)
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


def test_a_duplicate_handle_is_refused(make_product: MakeProduct) -> None:
    make_product("court-sneaker", "Other")
    assert "handle" in errors_of(sneaker())


def test_updating_replaces_variants_by_sku_and_translations_by_language() -> None:
    product = services.create_product(sneaker())
    kept = product.variants.get(sku="CS-41-W")
    updated = services.update_product(
        product,
        sneaker(
            name="Court Sneaker II",
            variants=[
                VariantInput("CS-41-W", Decimal("99.00"), {"Size": "41", "Colour": "White"}),
                VariantInput("CS-42-B", Decimal("99.00"), {"Size": "42", "Colour": "Black"}),
            ],
            translations={"fr": TranslationInput("Basket de court")},
        ),
    )
    assert updated.name == "Court Sneaker II"
    assert {v.sku: v.price_amount for v in updated.variants.all()} == {
        "CS-41-W": Decimal("99.00"),
        "CS-42-B": Decimal("99.00"),
    }
    assert updated.variants.get(sku="CS-41-W").pk == kept.pk
    assert list(ProductTranslation.objects.values_list("language", flat=True)) == ["fr"]


def test_a_failed_update_leaves_the_product_as_it_was() -> None:
    product = services.create_product(sneaker())
    errors_of(sneaker(name="Renamed", hs_code="bad"), product=product)
    product.refresh_from_db()
    assert product.name == "Court Sneaker"
    assert product.variants.count() == 2


def test_publishing_is_idempotent_and_unpublishing_withdraws(
    make_product: MakeProduct, make_market
) -> None:
    product = make_product()
    de, fr = make_market("de", "EUR", "de"), make_market("fr", "EUR", "fr")
    assert services.publish_product(product, [de, fr, de]) == 2
    assert services.publish_product(product, [de]) == 0
    assert services.unpublish_product(product, [fr]) == 1
    assert list(Publication.objects.values_list("market__code", flat=True)) == ["de"]
    assert services.unpublish_product(product) == 1
    assert not Publication.objects.exists()
