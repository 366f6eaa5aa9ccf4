"""The store API as a shopper's app uses it: markets, categories, products and prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradewind.api.tests.conftest import Store, make_market, make_product
from tradewind.catalog.models import (
    Category,
    CategoryTranslation,
    ProductImage,
    ProductTranslation,
    Variant,
)

NBSP = "\xa0"


def by_sku(product: dict) -> dict[str, dict]:
    return {v["sku"]: v for v in product["variants"]}


def field_errors(response) -> list[tuple[list, str]]:
    assert response.status_code == 422, response.content
    return [(e["loc"], e["msg"]) for e in response.json()["detail"]]


# Markets ---------------------------------------------------------------------------------


def test_markets_list_every_active_market_with_its_rules(client, store: Store):
    store.us.is_active = False
    store.us.save()

    markets = client.get("/api/markets").json()

    assert [m["code"] for m in markets] == ["eu", "jp"]
    eu = markets[0]
    assert eu["currency"] == "EUR"
    assert eu["countries"] == ["AT", "DE", "FR"]
    assert eu["default_language"] == "de"
    assert eu["languages"] == ["de", "en", "fr"]
    assert eu["return_days"] == {"statutory": 14, "merchant": 30, "effective": 30}
    assert eu["payment_methods"] == ["card", "klarna"]
    assert (eu["tax_display"], eu["duties_mode"], eu["units"]) == ("inclusive", "DDP", "metric")
    assert eu["subfolder"] == "de-de"


def test_one_market_by_code(client, store: Store):
    response = client.get("/api/markets/us")

    assert response.status_code == 200
    us = response.json()
    assert (us["currency"], us["units"], us["duties_mode"]) == ("USD", "imperial", "DAP")


def test_an_unknown_or_inactive_market_is_not_found(client, store: Store):
    store.jp.is_active = False
    store.jp.save()

    for code in ("xx", "jp"):
        response = client.get(f"/api/markets/{code}")
        assert response.status_code == 404
        assert code in response.json()["detail"]


# Prices ----------------------------------------------------------------------------------


def test_euro_prices_are_the_base_prices_written_the_german_way(client, store: Store):
    response = client.get("/api/products", {"market": "eu"})

    assert response.status_code == 200
    page = response.json()
    assert (page["market"], page["currency"], page["language"]) == ("eu", "EUR", "de")
    assert page["locale"] == "de-DE"
    shirt = next(p for p in page["items"] if p["handle"] == "linen-shirt")
    small = by_sku(shirt)["SHIRT-S"]
    # The store prices in euros: the typed 23.41 stands, no charm rounding.
    assert small["price"] == {"amount": "23.41", "currency": "EUR", "formatted": f"23,41{NBSP}€"}
    assert small["compare_at"]["amount"] == "29.00"
    assert small["price_source"] == "base"
    assert small["price_error"] is None
    assert by_sku(shirt)["SHIRT-M"]["compare_at"] is None


def test_dollar_prices_are_converted_and_a_fixed_override_wins(client, store: Store):
    shirt = client.get("/api/products/linen-shirt", {"market": "us"}).json()["product"]

    small, medium = by_sku(shirt)["SHIRT-S"], by_sku(shirt)["SHIRT-M"]
    # 23.41 EUR x 1.08 = 25.28 USD, up to 25.99.
    assert small["price"] == {"amount": "25.99", "currency": "USD", "formatted": "$25.99"}
    assert small["price_source"] == "converted"
    # The brand fixed 19.50 USD (was 24) for size M in the US.
    assert medium["price"] == {"amount": "19.50", "currency": "USD", "formatted": "$19.50"}
    assert medium["compare_at"]["amount"] == "24.00"
    assert medium["price_source"] == "override"


def test_yen_prices_have_no_decimals(client, store: Store):
    response = client.get("/api/products/linen-shirt", {"market": "jp"})

    detail = response.json()
    assert detail["locale"] == "ja-JP"
    small = by_sku(detail["product"])["SHIRT-S"]
    # 23.41 EUR x 160 = 3745.6 JPY, up to the next 10 yen; 29 EUR x 160 = 4640 exactly.
    assert small["price"] == {"amount": "3750", "currency": "JPY", "formatted": "￥3,750"}
    assert small["compare_at"]["amount"] == "4640"


def test_a_country_selects_its_market_and_locale(client, store: Store):
    page = client.get("/api/products", {"country": "at"}).json()

    assert (page["market"], page["locale"]) == ("eu", "de-AT")
    assert page["items"][0]["variants"][0]["price"]["formatted"] == f"€{NBSP}23,41"


def test_a_missing_exchange_rate_leaves_the_price_empty_with_a_reason(client, store: Store):
    uk = make_market("uk", "GBP", "en", ["GB"])  # no GBP rate was ever entered
    apron = make_product("apron", "Apron", [uk])
    Variant.objects.create(product=apron, sku="APRON", price_amount=5)

    response = client.get("/api/products", {"market": "uk"})

    assert response.status_code == 200
    variant = response.json()["items"][0]["variants"][0]
    assert variant["price"] is None
    assert variant["price_source"] is None
    assert "GBP" in variant["price_error"]


def test_a_variant_priced_in_a_currency_without_rate_does_not_hide_the_others(client, store: Store):
    Variant.objects.create(
        product=store.mug, sku="MUG-CHF", price_amount=Decimal("15"), price_currency="CHF"
    )

    mug = client.get("/api/products/stoneware-mug", {"market": "eu"}).json()["product"]

    assert by_sku(mug)["MUG"]["price"]["amount"] == "12.00"
    assert by_sku(mug)["MUG-CHF"]["price"] is None
    assert "CHF" in by_sku(mug)["MUG-CHF"]["price_error"]


# Languages -------------------------------------------------------------------------------


def test_text_comes_in_the_market_default_language(client, store: Store):
    page = client.get("/api/products", {"market": "eu"}).json()

    served = {p["handle"]: (p["name"], p["language"]) for p in page["items"]}
    assert served == {
        "linen-shirt": ("Leinenhemd", "de"),
        "wool-scarf": ("Wollschal", "de"),
        "stoneware-mug": ("Stoneware mug", "en"),
    }
    shirt = next(p for p in page["items"] if p["handle"] == "linen-shirt")
    assert shirt["description"] == "Gewaschenes Leinen."
    assert shirt["category"] == {"id": store.shirts.pk, "slug": "shirts", "name": "Shirts"}


def test_a_language_without_translation_falls_back_to_the_market_default_then_english(
    client, store: Store
):
    # Japanese is a store language the euro market does not offer.
    page = client.get("/api/products", {"market": "eu", "language": "ja"}).json()

    assert page["language"] == "ja"
    served = {p["handle"]: p["language"] for p in page["items"]}
    assert served == {"linen-shirt": "ja", "wool-scarf": "de", "stoneware-mug": "en"}
    # No locale pairs Japanese with a euro-area country, so prices use plain Japanese.
    assert page["locale"] == "ja"


def test_a_translation_without_description_keeps_the_original_description(client, store: Store):
    shirt = client.get("/api/products/linen-shirt", {"market": "jp"}).json()["product"]

    assert (shirt["name"], shirt["language"]) == ("リネンシャツ", "ja")
    assert shirt["description"] == "Washed linen."


# Products --------------------------------------------------------------------------------


def test_a_product_carries_its_customs_data_options_and_images(client, store: Store):
    shirt = client.get("/api/products/linen-shirt", {"market": "eu"}).json()["product"]

    assert shirt["tags"] == ["linen", "summer"]
    assert shirt["options"] == ["Size"]
    assert (shirt["hs_code"], shirt["origin_country"], shirt["weight_grams"]) == (
        "620520",
        "PT",
        240,
    )
    assert by_sku(shirt)["SHIRT-S"]["options"] == {"Size": "S"}
    # A variant's own weight wins over the product's.
    assert by_sku(shirt)["SHIRT-M"]["weight_grams"] == 260
    assert by_sku(shirt)["SHIRT-S"]["weight_grams"] == 240
    [image] = shirt["images"]
    assert (image["alt"], image["variant_sku"]) == ("Front", "SHIRT-S")
    assert (image["width"], image["height"]) == (400, 500)
    stored = ProductImage.objects.get(product=store.shirt)
    assert [t["width"] for t in image["thumbnails"]] == sorted(map(int, stored.thumbnails))
    assert all(t["url"].startswith("/media/") for t in image["thumbnails"])
    assert image["url"] == stored.image.url


def test_only_active_products_published_in_the_market_are_listed(client, store: Store):
    handles = {
        code: [p["handle"] for p in client.get("/api/products", {"market": code}).json()["items"]]
        for code in ("eu", "us", "jp")
    }

    # Names sort the listing: Linen shirt, Stoneware mug, Wool scarf.
    assert handles == {
        "eu": ["linen-shirt", "stoneware-mug", "wool-scarf"],
        "us": ["linen-shirt", "wool-scarf"],
        "jp": ["linen-shirt", "stoneware-mug"],
    }


@pytest.mark.parametrize(
    ("handle", "market"),
    [
        ("draft-tote", "eu"),  # a draft
        ("old-cap", "eu"),  # archived
        ("wool-scarf", "jp"),  # not published in Japan
        ("no-such-thing", "eu"),
    ],
)
def test_a_product_not_for_sale_in_the_market_is_not_found(client, store: Store, handle, market):
    response = client.get(f"/api/products/{handle}", {"market": market})

    assert response.status_code == 404
    message = response.json()["detail"]
    assert handle in message
    assert market in message


def test_filter_by_category_includes_subcategories(client, store: Store):
    def handles(category: str) -> list[str]:
        page = client.get("/api/products", {"market": "eu", "category": category}).json()
        return [p["handle"] for p in page["items"]]

    assert handles("apparel") == ["linen-shirt", "wool-scarf"]
    assert handles("shirts") == ["linen-shirt"]
    assert handles("homeware") == ["stoneware-mug"]


def test_pages_share_one_total(client, store: Store):
    first = client.get("/api/products", {"market": "eu", "limit": 2}).json()
    second = client.get("/api/products", {"market": "eu", "limit": 2, "offset": 2}).json()

    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert [p["handle"] for p in first["items"]] == ["linen-shirt", "stoneware-mug"]
    assert (second["total"], second["offset"]) == (3, 2)
    assert [p["handle"] for p in second["items"]] == ["wool-scarf"]


def search(client, **params) -> dict:
    response = client.get("/api/products", params)
    assert response.status_code == 200, response.content
    return response.json()


def handles_of(page: dict) -> list[str]:
    return [p["handle"] for p in page["items"]]


def test_search_ranks_a_name_match_above_a_description_match(client, store: Store):
    page = search(client, market="eu", q="linen")

    assert handles_of(page) == ["linen-shirt", "stoneware-mug"]
    assert page["total"] == 2


def test_search_finds_translated_text_and_only_what_the_market_sells(client, store: Store):
    assert handles_of(search(client, market="eu", q="wollschal")) == ["wool-scarf"]
    assert handles_of(search(client, market="jp", q="リネン")) == ["linen-shirt"]
    # The scarf is not sold in Japan and the draft tote nowhere.
    assert search(client, market="jp", q="scarf")["total"] == 0
    assert search(client, market="eu", q="tote")["total"] == 0


def test_search_results_are_paged_and_filtered_by_category(client, store: Store):
    second = search(client, market="eu", q="linen", limit=1, offset=1)
    in_homeware = search(client, market="eu", q="linen", category="homeware")

    assert (handles_of(second), second["total"]) == (["stoneware-mug"], 2)
    assert (handles_of(in_homeware), in_homeware["total"]) == (["stoneware-mug"], 1)


def test_a_search_without_words_finds_nothing(client, store: Store):
    page = search(client, market="eu", q="?!*")

    assert (page["items"], page["total"]) == ([], 0)


# Categories ------------------------------------------------------------------------------


def test_categories_come_as_a_tree_with_names_in_the_language_asked(client, store: Store):
    tree = client.get("/api/categories", {"language": "de"}).json()

    assert tree["language"] == "de"
    rows = [(c["slug"], c["name"], c["language"], c["depth"]) for c in tree["items"]]
    assert rows == [
        ("apparel", "Bekleidung", "de", 0),
        ("shirts", "Shirts", "en", 1),
        ("homeware", "Homeware", "en", 0),
    ]
    assert tree["items"][1]["parent"] == store.apparel.pk


def test_categories_default_to_the_store_language(client, store: Store):
    tree = client.get("/api/categories").json()

    assert tree["language"] == "en"
    assert [c["name"] for c in tree["items"]] == ["Apparel", "Shirts", "Homeware"]


# Errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"market": "xx"}, "market", "unknown market 'xx'"),
        ({}, "market", "give a market code"),
        ({"market": "eu", "language": "xx"}, "language", "'xx' is not a store language"),
        ({"market": "eu", "limit": 0}, "limit", "greater than or equal to 1"),
        ({"market": "eu", "limit": 101}, "limit", "less than or equal to 100"),
        ({"market": "eu", "limit": "ten"}, "limit", "valid integer"),
        ({"market": "eu", "offset": -1}, "offset", "greater than or equal to 0"),
        ({"market": "eu", "category": "nope"}, "category", "unknown category 'nope'"),
        ({"country": "ZZ"}, "country", "not an ISO 3166-1 country code"),
        ({"country": "BR"}, "country", "no market sells to 'BR'"),
        ({"market": "eu", "country": "JP"}, "country", "does not sell to 'JP'"),
        ({"market": "e u"}, "market", "should match pattern"),
    ],
)
def test_a_bad_product_query_names_the_field(client, store: Store, params, field, message):
    [(loc, msg)] = field_errors(client.get("/api/products", params))

    assert loc == ["query", field]
    assert message in msg


def test_a_repeated_parameter_is_refused_rather_than_guessed(client, store: Store):
    for path in ("/api/products", "/api/products/linen-shirt", "/api/categories"):
        [(loc, msg)] = field_errors(client.get(f"{path}?market=eu&language=de&language=ja"))
        assert (loc, msg) == (["query", "language"], "give one value, not 2")


def test_the_product_page_names_a_bad_market_and_language(client, store: Store):
    assert field_errors(client.get("/api/products/linen-shirt", {"market": "mars"})) == [
        (["query", "market"], "unknown market 'mars'")
    ]
    [(loc, _)] = field_errors(
        client.get("/api/products/linen-shirt", {"market": "eu", "language": "tlh"})
    )
    assert loc == ["query", "language"]


def test_categories_name_a_bad_language(client, store: Store):
    [(loc, msg)] = field_errors(client.get("/api/categories", {"language": "klingon"}))

    assert loc == ["query", "language"]
    assert "'klingon' is not a store language" in msg


# Performance -----------------------------------------------------------------------------


@pytest.fixture
def catalog_of(db):
    def build(count: int) -> None:
        market = make_market("eu", "EUR", "de", ["DE"])
        category = Category.objects.create(slug="things", name="Things")
        CategoryTranslation.objects.create(category=category, language="de", name="Dinge")
        for n in range(count):
            product = make_product(f"thing-{n}", f"Thing {n}", [market], category=category)
            ProductTranslation.objects.create(product=product, language="de", name=f"Ding {n}")
            for size in ("S", "M"):
                Variant.objects.create(product=product, sku=f"T{n}-{size}", price_amount=10)
            ProductImage.objects.create(product=product, source_url=f"https://x.test/{n}.jpg")

    return build


@pytest.mark.parametrize("count", [1, 20])
def test_a_product_page_costs_the_same_queries_whatever_its_size(
    client, catalog_of, django_assert_num_queries, count
):
    catalog_of(count)

    # market, its countries, count, products with categories, then one query each for
    # translations, category translations, variants, images; FX rates and overrides.
    with django_assert_num_queries(10):
        response = client.get("/api/products", {"market": "eu", "limit": 20})

    assert len(response.json()["items"]) == count
