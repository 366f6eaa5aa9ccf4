"""Building the demo store into a database: markets, rates, a priced and translated catalog."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from stdnum import ean

from tradewind.catalog.models import (
    Category,
    Collection,
    Product,
    ProductImage,
    SearchDocument,
    Variant,
)
from tradewind.catalog.translation import fallback_chain, localize_product
from tradewind.demo import DemoError, build_demo
from tradewind.demo import catalog as demo_catalog
from tradewind.demo.markets import HERO_PRICES, MARKET_FACTS
from tradewind.demo.plan import plan_catalog
from tradewind.markets.models import FxRate, Market
from tradewind.pricing.services import prices_in_market

pytestmark = pytest.mark.django_db

PRODUCTS = 12
REQUIRED_LANGUAGES = {"de", "fr", "es", "ja", "ar"}


def build(seed: int = 42, products: int = PRODUCTS) -> str:
    out = io.StringIO()
    build_demo(seed=seed, products=products, out=out)
    return out.getvalue()


class Rollback(Exception):
    pass


def fingerprint() -> dict:
    """Everything a shopper or operator would see, keyed by stable codes (never by ids)."""
    markets = {}
    for market in Market.objects.prefetch_related("countries"):
        published = Variant.objects.filter(product__publications__market=market)
        prices = prices_in_market(published, market)
        markets[market.code] = {
            "currency": market.currency,
            "languages": market.all_languages,
            "countries": sorted(c.country for c in market.countries.all()),
            "prices": {v.sku: str(prices[v.pk].price.amount) for v in published},
        }
    products = {}
    for product in Product.objects.prefetch_related(
        "translations", "variants", "collections", "publications__market", "images__variant"
    ).select_related("category"):
        products[product.handle] = {
            "name": product.name,
            "description": product.description,
            "category": product.category.slug if product.category else None,
            "customs": (product.hs_code, product.origin_country, product.weight_grams),
            "status": product.status,
            "tags": product.tags,
            "translations": {
                t.language: (t.name, t.description) for t in product.translations.all()
            },
            "variants": [
                (v.sku, v.barcode, v.options, str(v.price_amount), v.weight_grams)
                for v in product.variants.all()
            ],
            "markets": sorted(p.market.code for p in product.publications.all()),
            "collections": sorted(c.slug for c in product.collections.all()),
            "images": [
                (
                    i.image.name,
                    i.alt,
                    i.variant.sku if i.variant else None,
                    hashlib.sha256(i.image.read()).hexdigest(),
                )
                for i in product.images.all()
            ],
        }
    return {"markets": markets, "products": products}


def built_fingerprint(seed: int) -> dict:
    """The fingerprint of a demo built into the empty test database, which is then emptied
    again (the build runs in a savepoint that is rolled back)."""
    try:
        with transaction.atomic():
            build(seed)
            found = fingerprint()
            raise Rollback
    except Rollback:
        pass
    assert not Product.objects.exists()
    return found


def test_markets_cover_the_brands_regions() -> None:
    build()

    by_country = {
        country: market.currency
        for market in Market.objects.prefetch_related("countries")
        for country in market.countries.values_list("country", flat=True)
    }
    assert by_country["US"] == "USD"
    for eu_country in ("DE", "AT", "FR", "BE", "ES", "IT", "NL", "IE", "PT"):
        assert by_country[eu_country] == "EUR"
    assert by_country["GB"] == "GBP"
    assert by_country["JP"] == "JPY"
    assert by_country["SG"] == "SGD"
    assert by_country["ID"] == "IDR"
    assert by_country["AE"] == "AED"
    assert by_country["SA"] == "SAR"


def test_markets_follow_local_rules() -> None:
    build()
    markets = {m.code: m for m in Market.objects.all()}

    assert markets["us"].tax_display == "exclusive"
    assert markets["us"].units == "imperial"
    assert markets["us"].subfolder == "en-us"
    assert {"card", "paypal", "apple_pay"} <= set(markets["us"].payment_methods)
    assert markets["dach"].statutory_return_days == 14
    assert markets["gb"].statutory_return_days == 14
    assert markets["jp"].statutory_return_days == 0
    assert all(m.return_days >= 30 for m in markets.values())
    assert "konbini" in markets["jp"].payment_methods
    assert "cod" in markets["id"].payment_methods
    assert "mada" in markets["sa"].payment_methods
    assert markets["ae"].default_language == "ar"
    assert "en" in markets["ae"].languages
    assert markets["jp"].price_adjustment_percent == Decimal(5)
    assert markets["ae"].price_adjustment_percent == Decimal(8)


def test_gulf_rates_come_from_the_dollar_pegs() -> None:
    build()

    usd = FxRate.objects.filter(currency="USD").latest("effective_at")
    aed = FxRate.objects.get(currency="AED", effective_at=usd.effective_at)
    sar = FxRate.objects.get(currency="SAR", effective_at=usd.effective_at)
    assert aed.rate == (usd.rate * Decimal("3.6725")).quantize(Decimal("0.0001"))
    assert sar.rate == (usd.rate * Decimal("3.75")).quantize(Decimal("0.0001"))
    assert "peg" in aed.note and aed.source == FxRate.Source.MANUAL
    assert FxRate.objects.filter(currency="JPY", source=FxRate.Source.ECB).count() == 10


def test_every_market_prices_every_published_variant_the_local_way() -> None:
    build()

    for market in Market.objects.all():
        published = list(Variant.objects.filter(product__publications__market=market))
        assert published, market.code
        prices = prices_in_market(published, market)
        assert set(prices) == {v.pk for v in published}
        for variant in published:
            price = prices[variant.pk]
            assert price.price.currency.code == market.currency
            assert price.price.amount > 0
            if price.source == "override":
                continue
            amount = price.price.amount
            if market.currency == "EUR":
                assert amount == variant.price_amount
            elif market.currency == "JPY":
                assert amount % 100 == 0
            elif market.currency == "IDR":
                assert amount % 1000 == 0
            elif market.currency in ("AED", "SAR"):
                assert amount % 5 == 0
            elif market.currency in ("USD", "GBP"):
                assert amount % 1 == Decimal("0.99")


def test_the_hero_sells_at_fixed_local_prices() -> None:
    build()
    hero = Product.objects.get(handle="porto-organic-cotton-tee")

    for code, amount in HERO_PRICES.items():
        market = Market.objects.get(code=code)
        prices = prices_in_market(hero.variants.all(), market)
        assert {p.price.amount for p in prices.values()} == {amount}
        assert {p.source for p in prices.values()} == {"override"}


def test_products_categories_and_collections_are_translated() -> None:
    build()

    for product in Product.objects.prefetch_related("translations"):
        languages = {t.language for t in product.translations.all()}
        assert languages >= REQUIRED_LANGUAGES
        assert localize_product(product, fallback_chain("en")).name == product.name
        assert localize_product(product, fallback_chain("ja")).language == "ja"
    for category in Category.objects.prefetch_related("translations"):
        assert {t.language for t in category.translations.all()} >= REQUIRED_LANGUAGES
    for collection in Collection.objects.prefetch_related("translations"):
        assert {t.language for t in collection.translations.all()} >= REQUIRED_LANGUAGES
    assert Category.objects.filter(parent__isnull=True).count() >= 4
    assert Category.objects.filter(parent__isnull=False).count() >= 8


def test_every_barcode_is_a_valid_gtin13() -> None:
    build()

    barcodes = list(Variant.objects.values_list("barcode", flat=True))
    assert barcodes
    assert all(len(code) == 13 and ean.is_valid(code) for code in barcodes)
    assert len(set(barcodes)) == len(barcodes)


def test_the_catalog_is_stored_as_planned() -> None:
    build()
    plans = plan_catalog(42, PRODUCTS, MARKET_FACTS)

    stored = {p.handle: p for p in Product.objects.prefetch_related("publications__market")}
    assert set(stored) == {p.handle for p in plans}
    for plan in plans:
        product = stored[plan.handle]
        expected = set() if not plan.is_active else set(MARKET_FACTS.codes) - plan.hidden_in
        assert {p.market.code for p in product.publications.all()} == expected
        assert product.hs_code == plan.hs_code
        assert product.origin_country == plan.origin


def test_every_product_has_pictures_with_thumbnails() -> None:
    build()

    for product in Product.objects.prefetch_related("images"):
        pictures = list(product.images.all())
        assert 1 <= len(pictures) <= 2
        for picture in pictures:
            assert picture.image.name and default_storage.exists(picture.image.name)
            assert (picture.width, picture.height) == (600, 600)
            assert picture.thumbnails
            assert all(default_storage.exists(path) for path in picture.thumbnails.values())
            assert picture.alt


def test_products_are_searchable_in_every_language() -> None:
    build()

    languages = set(SearchDocument.objects.values_list("language", flat=True))
    assert languages >= {"en", *REQUIRED_LANGUAGES}
    assert SearchDocument.objects.values("product").distinct().count() == PRODUCTS


def test_the_same_seed_builds_the_same_store_and_another_seed_another() -> None:
    first = built_fingerprint(42)
    again = built_fingerprint(42)
    other = built_fingerprint(43)

    assert first == again
    assert set(other["products"]) != set(first["products"])
    assert other["markets"].keys() == first["markets"].keys()


def test_a_second_run_changes_nothing() -> None:
    build()
    before = fingerprint()

    out = build(seed=99)

    assert "already loaded" in out
    assert fingerprint() == before


def test_a_store_with_its_own_data_is_left_alone() -> None:
    Market.objects.create(
        code="home", name="Home", currency="EUR", default_language="en", subfolder="en"
    )

    out = build()

    assert "only into an empty store" in out
    assert Market.objects.count() == 1
    assert not Product.objects.exists()


def test_a_failed_build_leaves_no_rows_and_no_files(monkeypatch) -> None:
    real_render = demo_catalog.catalog_images.render_thumbnails
    calls = []

    def failing(name, storage):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_render(name, storage)

    monkeypatch.setattr(demo_catalog.catalog_images, "render_thumbnails", failing)

    with pytest.raises(OSError, match="disk full"):
        build()

    assert not Market.objects.exists()
    assert not FxRate.objects.exists()
    assert not Product.objects.exists()
    assert not ProductImage.objects.exists()
    assert calls
    for name in calls:
        assert not default_storage.exists(name)


@pytest.mark.parametrize("products", [0, -3, 100_000])
def test_an_impossible_product_count_is_refused(products) -> None:
    with pytest.raises(DemoError, match="--products must be between 1 and"):
        build(products=products)
    assert not Market.objects.exists()


def test_the_build_runs_no_query_per_product() -> None:
    def queries(products: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            try:
                with transaction.atomic():
                    build(products=products)
                    raise Rollback
            except Rollback:
                pass
        return len(captured.captured_queries)

    # one query per product would add at least 20; bulk inserts add a batch or two
    assert queries(25) - queries(5) < 5


def test_progress_is_reported_with_counts() -> None:
    out = build()

    assert "Markets: 14" in out
    assert f"Products: {PRODUCTS} with" in out
    assert f"Pictures: {PRODUCTS}/{PRODUCTS} products" in out
    assert "Demo store ready in" in out
