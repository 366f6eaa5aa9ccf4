"""A shopper reads the requested language, else the market's, else the store's."""

from __future__ import annotations

import pytest
from django.conf import settings

from tradewind.catalog.models import Category, CategoryTranslation, Product, ProductTranslation
from tradewind.catalog.translation import fallback_chain, localize_category, localize_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product() -> Product:
    product = Product.objects.create(
        handle="wool-scarf", name="Wool Scarf", description="Warm merino."
    )
    ProductTranslation.objects.create(
        product=product, language="de", name="Wollschal", description="Warmer Merino."
    )
    ProductTranslation.objects.create(product=product, language="fr", name="Écharpe en laine")
    ProductTranslation.objects.create(product=product, language="es", name="", description="x")
    return product


def localized(product: Product, language: str, market_default: str | None = None) -> str:
    fresh = Product.objects.prefetch_related("translations").get(pk=product.pk)
    return localize_product(fresh, fallback_chain(language, market_default)).name


def test_the_chain_is_requested_then_market_then_store_language_without_repeats() -> None:
    assert fallback_chain("ja", "de") == ["ja", "de", settings.LANGUAGE_CODE]
    assert fallback_chain("de", "de") == ["de", settings.LANGUAGE_CODE]
    assert fallback_chain(settings.LANGUAGE_CODE) == [settings.LANGUAGE_CODE]


def test_the_requested_language_wins(product: Product) -> None:
    assert localized(product, "de", market_default="fr") == "Wollschal"


def test_a_missing_translation_falls_back_to_the_market_language(product: Product) -> None:
    assert localized(product, "ja", market_default="de") == "Wollschal"


def test_without_market_language_text_the_store_language_is_shown(product: Product) -> None:
    assert localized(product, "ja", market_default="it") == "Wool Scarf"
    assert localized(product, "ja") == "Wool Scarf"


def test_an_empty_translation_is_ignored(product: Product) -> None:
    assert localized(product, "es", market_default="de") == "Wollschal"


def test_a_translation_without_description_borrows_the_store_description(
    product: Product,
) -> None:
    fresh = Product.objects.prefetch_related("translations").get(pk=product.pk)
    text = localize_product(fresh, ["fr"])
    assert (text.name, text.description, text.language) == (
        "Écharpe en laine",
        "Warm merino.",
        "fr",
    )


def test_the_language_actually_shown_is_reported(product: Product) -> None:
    fresh = Product.objects.prefetch_related("translations").get(pk=product.pk)
    assert localize_product(fresh, fallback_chain("ja", "de")).language == "de"
    assert localize_product(fresh, fallback_chain("ja")).language == settings.LANGUAGE_CODE


def test_localizing_prefetched_products_costs_no_query(
    product: Product, django_assert_num_queries
) -> None:
    fresh = list(Product.objects.prefetch_related("translations"))
    with django_assert_num_queries(0):
        names = [localize_product(p, ["de"]).name for p in fresh]
    assert names == ["Wollschal"]


def test_categories_fall_back_the_same_way() -> None:
    shoes = Category.objects.create(slug="shoes", name="Shoes")
    CategoryTranslation.objects.create(category=shoes, language="de", name="Schuhe")
    fresh = Category.objects.prefetch_related("translations").get(pk=shoes.pk)
    assert localize_category(fresh, fallback_chain("ja", "de")).name == "Schuhe"
    assert localize_category(fresh, fallback_chain("fr")).name == "Shoes"
