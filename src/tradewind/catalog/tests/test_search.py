"""Product search: prefix, accents, languages, ranking and hostile input, on either database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from tradewind.catalog import search, services
from tradewind.catalog.models import Product, ProductTranslation, SearchDocument, Variant
from tradewind.catalog.search import reindex_products, search_products
from tradewind.catalog.services import ProductInput, VariantInput

from .conftest import MakeProduct

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(make_product: MakeProduct) -> dict[str, Product]:
    return {
        "sneakers": make_product(
            "trail-sneakers",
            "Trail Sneakers",
            description="Grippy soles for muddy paths.",
            status=Product.Status.ACTIVE,
            translations={
                "de": ("Trail-Turnschuhe", "Griffige Sohlen."),
                "fr": ("Baskets de trail", ""),
                "ja": ("トレイル用スニーカー", "泥道でも滑りにくい運動靴。"),
                "ar": ("حِذَاءٌ رياضي", "نعل متين."),
            },
        ),
        "brulee": make_product(
            "creme-brulee-candle",
            "Crème Brûlée Candle",
            description="Smells like dessert.",
            status=Product.Status.ACTIVE,
        ),
        "tote": make_product(
            "canvas-tote",
            "Canvas Tote",
            description="A sturdy bag.",
            status=Product.Status.ACTIVE,
        ),
        "wallet": make_product(
            "leather-wallet",
            "Leather Wallet",
            description="Leather outside, canvas lining inside.",
            status=Product.Status.DRAFT,
        ),
    }


def ids(*products: Product) -> list[int]:
    return [p.pk for p in products]


def test_a_word_prefix_finds_the_product_in_any_case(catalog) -> None:
    for query in ["sneak", "SNEAKERS", "Trail snea", "muddy"]:
        assert search_products(query) == ids(catalog["sneakers"]), query


def test_accents_are_ignored_both_ways(catalog) -> None:
    assert search_products("creme brulee") == ids(catalog["brulee"])
    assert search_products("brûl") == ids(catalog["brulee"])
    assert search_products("CRÈME") == ids(catalog["brulee"])


def test_every_word_must_match(catalog) -> None:
    assert search_products("trail candle") == []


def test_a_name_match_ranks_above_a_description_match(catalog) -> None:
    assert search_products("canvas") == ids(catalog["tote"], catalog["wallet"])


def test_translations_are_searched_in_their_language_with_fallback(catalog) -> None:
    sneakers = ids(catalog["sneakers"])
    assert search_products("turnschuh", "de") == sneakers
    assert search_products("turnschuh") == sneakers  # no language: every language
    assert search_products("turnschuh", "fr") == []
    assert search_products("baskets", "fr") == sneakers
    # A shopper reading German still finds it by the store-language name it falls back to.
    assert search_products("sneakers", "de") == sneakers


def test_an_empty_translation_description_is_searched_through_its_fallback(catalog) -> None:
    assert search_products("muddy", "fr") == ids(catalog["sneakers"])


def test_japanese_words_are_found_inside_unsegmented_text(catalog) -> None:
    sneakers = ids(catalog["sneakers"])
    assert search_products("スニーカー", "ja") == sneakers
    assert search_products("運動靴", "ja") == sneakers
    assert search_products("靴") == sneakers
    assert search_products("靴運動", "ja") == []  # the characters must be adjacent, in order


def test_arabic_is_found_with_or_without_diacritics(catalog) -> None:
    sneakers = ids(catalog["sneakers"])
    assert search_products("حذاء", "ar") == sneakers
    assert search_products("حِذَاء", "ar") == sneakers
    assert search_products("رياضي") == sneakers


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "AND(",
        "NEAR(",
        '"sneak',
        "sneak*",
        "':*",
        "!@#$%^&*()",
        "a & b | !c <-> d",
        "'; DROP TABLE catalog_product; --",
        "col:value",
        "\x00",
        "🙂",
        "",
        "   ",
        "NOT",
        "-sneakers",
        "x" * 5000,
    ],
)
def test_hostile_queries_never_crash(catalog, query: str) -> None:
    assert isinstance(search_products(query), list)


def test_operator_words_and_punctuation_are_just_words(catalog) -> None:
    assert search_products('"sneak*"') == ids(catalog["sneakers"])
    assert search_products("!!! sneakers ???") == ids(catalog["sneakers"])
    assert search_products("*)(") == []


def test_drafts_and_archived_products_are_left_out_when_asked(catalog) -> None:
    assert catalog["wallet"].pk in search_products("leather")
    assert search_products("leather", active_only=True) == []
    Product.objects.filter(pk=catalog["tote"].pk).update(status=Product.Status.ARCHIVED)
    assert search_products("canvas", active_only=True) == []


def test_a_market_search_finds_only_products_published_there(catalog, make_market) -> None:
    de = make_market("de", "EUR", "de")
    assert search_products("trail", market=de) == []
    services.publish_product(catalog["sneakers"], [de])
    assert search_products("trail", market=de) == ids(catalog["sneakers"])
    # The market's language joins the fallback chain.
    assert search_products("turnschuh", "ja", market=de) == ids(catalog["sneakers"])


def test_pages_follow_the_ranking(make_product: MakeProduct) -> None:
    for i in range(5):
        make_product(f"mug-{i}", f"Mug {i}")
    everything = search_products("mug", limit=10)
    assert len(everything) == 5
    assert search_products("mug", limit=2, offset=2) == everything[2:4]
    assert search_products("mug", limit=0) == []


def test_updating_a_product_through_the_use_case_updates_search(catalog) -> None:
    product = catalog["tote"]
    services.update_product(
        product,
        ProductInput(
            handle=product.handle,
            name="Market Hamper",
            variants=[VariantInput("HAMPER-1", Decimal("30"))],
        ),
    )
    assert search_products("tote") == []
    assert search_products("hamper") == ids(product)
    assert search_products("CANVAS-TOTE-1") == []  # the replaced SKU is gone
    assert search_products("hamper-1") == ids(product)


def test_direct_model_writes_are_indexed_once_the_transaction_commits(
    catalog, django_capture_on_commit_callbacks
) -> None:
    tote = catalog["tote"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ProductTranslation.objects.create(product=tote, language="es", name="Bolsa de lona")
        Variant.objects.create(product=tote, sku="TOTE-XL", price_amount=Decimal("35"))
        tote.name = "Canvas Shopper"
        tote.save()
        assert search_products("bolsa") == []  # not before commit
    assert search_products("bolsa", "es") == ids(tote)
    assert search_products("tote-xl") == ids(tote)
    assert search_products("shopper") == ids(tote)


def test_deleting_a_translation_or_product_removes_it_from_search(
    catalog, django_capture_on_commit_callbacks
) -> None:
    sneakers = catalog["sneakers"]
    with django_capture_on_commit_callbacks(execute=True):
        sneakers.translations.get(language="de").delete()
    assert search_products("turnschuh") == []
    sneakers.delete()
    assert search_products("sneakers") == []
    assert not SearchDocument.objects.filter(product_id=sneakers.pk).exists()


def test_bulk_writes_are_indexed_through_the_hook(
    catalog, django_capture_on_commit_callbacks
) -> None:
    tote = catalog["tote"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Product.objects.filter(pk=tote.pk).update(name="Beach Bag")
        services.products_changed([tote.pk])
    assert search_products("beach") == ids(tote)


def test_a_full_reindex_rebuilds_every_document(catalog) -> None:
    SearchDocument.objects.all().delete()
    assert search_products("sneakers") == []
    assert reindex_products() == len(catalog)
    assert search_products("sneakers") == ids(catalog["sneakers"])
    # Store language plus the four translations of the sneakers, one each for the rest.
    assert SearchDocument.objects.count() == 5 + 3


def test_reindexing_costs_the_same_queries_for_one_or_many_products(
    make_product: MakeProduct, django_assert_num_queries
) -> None:
    products = [
        make_product(f"cap-{i}", f"Cap {i}", translations={"de": (f"Mütze {i}", "")})
        for i in range(12)
    ]
    with django_assert_num_queries(
        7
    ):  # savepoint, delete, products, translations, variants, insert, release
        assert reindex_products([products[0].pk]) == 1
    with django_assert_num_queries(7):
        assert reindex_products([p.pk for p in products]) == 12


def test_a_search_is_one_query(catalog, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        search_products("sneakers trail", "de", active_only=True)


def test_a_failed_reindex_is_logged_and_retried_on_the_next_flush(
    catalog, monkeypatch, django_capture_on_commit_callbacks, caplog
) -> None:
    tote = catalog["tote"]
    working = search.reindex_products

    def broken(product_ids: object) -> int:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(search, "reindex_products", broken)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tote.name = "Beach Bag"
        tote.save()  # the save itself must not fail because search could not follow
    assert "disk I/O error" in caplog.text
    assert search_products("beach") == []

    monkeypatch.setattr(search, "reindex_products", working)
    search.flush_pending()
    assert search_products("beach") == ids(tote)
