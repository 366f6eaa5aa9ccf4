"""A small store three markets sell from: the euro area, the US and Japan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tradewind.catalog.models import (
    Category,
    CategoryTranslation,
    Product,
    ProductImage,
    ProductTranslation,
    Publication,
    Variant,
)
from tradewind.catalog.search import reindex_products
from tradewind.markets.models import FxRate, Market, MarketCountry
from tradewind.pricing.models import PriceOverride


@dataclass
class Store:
    eu: Market
    us: Market
    jp: Market
    apparel: Category
    shirts: Category
    shirt: Product
    scarf: Product
    mug: Product


def make_market(code: str, currency: str, language: str, countries: list[str], **extra) -> Market:
    market = Market.objects.create(
        code=code,
        name=code.upper(),
        currency=currency,
        default_language=language,
        subfolder=f"{language}-{countries[0].lower()}",
        **extra,
    )
    for country in countries:
        MarketCountry.objects.create(market=market, country=country)
    return market


def make_product(handle: str, name: str, markets: list[Market], **extra) -> Product:
    extra.setdefault("status", Product.Status.ACTIVE)
    product = Product.objects.create(handle=handle, name=name, **extra)
    for market in markets:
        Publication.objects.create(product=product, market=market)
    return product


def png(width: int, height: int) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def store(db) -> Store:
    yesterday = timezone.now() - timedelta(days=1)
    FxRate.objects.create(currency="USD", rate=Decimal("1.08"), effective_at=yesterday)
    FxRate.objects.create(currency="JPY", rate=Decimal("160"), effective_at=yesterday)
    # Explicit rounding rules keep these expectations independent of currency defaults.
    eu = make_market(
        "eu",
        "EUR",
        "de",
        ["DE", "AT", "FR"],
        languages=["en", "fr"],
        statutory_return_days=14,
        merchant_return_days=30,
        payment_methods=["card", "klarna"],
        rounding_increment=Decimal("1"),
        price_ending=Decimal("0.99"),
    )
    us = make_market(
        "us",
        "USD",
        "en",
        ["US"],
        units="imperial",
        tax_display="exclusive",
        duties_mode="DAP",
        rounding_increment=Decimal("1"),
        price_ending=Decimal("0.99"),
    )
    jp = make_market(
        "jp", "JPY", "ja", ["JP"], rounding_increment=Decimal("10"), price_ending=Decimal("0")
    )

    apparel = Category.objects.create(slug="apparel", name="Apparel", position=1)
    CategoryTranslation.objects.create(category=apparel, language="de", name="Bekleidung")
    CategoryTranslation.objects.create(category=apparel, language="ja", name="アパレル")
    shirts = Category.objects.create(slug="shirts", name="Shirts", parent=apparel)
    homeware = Category.objects.create(slug="homeware", name="Homeware", position=2)

    shirt = make_product(
        "linen-shirt",
        "Linen shirt",
        [eu, us, jp],
        description="Washed linen.",
        category=shirts,
        tags=["linen", "summer"],
        option_names=["Size"],
        hs_code="620520",
        origin_country="PT",
        weight_grams=240,
    )
    ProductTranslation.objects.create(
        product=shirt, language="de", name="Leinenhemd", description="Gewaschenes Leinen."
    )
    ProductTranslation.objects.create(product=shirt, language="ja", name="リネンシャツ")
    small = Variant.objects.create(
        product=shirt,
        sku="SHIRT-S",
        options={"Size": "S"},
        price_amount=Decimal("23.41"),
        compare_at_amount=Decimal("29.00"),
    )
    medium = Variant.objects.create(
        product=shirt,
        sku="SHIRT-M",
        options={"Size": "M"},
        price_amount=Decimal("23.41"),
        weight_grams=260,
        position=1,
    )
    PriceOverride.objects.create(
        variant=medium, market=us, amount=Decimal("19.50"), compare_at_amount=Decimal("24")
    )
    ProductImage.objects.create(product=shirt, variant=small, image=png(400, 500), alt="Front")

    # Only the store's default language (English) and a German translation.
    scarf = make_product("wool-scarf", "Wool scarf", [eu, us], category=apparel)
    ProductTranslation.objects.create(product=scarf, language="de", name="Wollschal")
    Variant.objects.create(product=scarf, sku="SCARF", price_amount=Decimal("40"))

    # Never translated.
    mug = make_product(
        "stoneware-mug",
        "Stoneware mug",
        [eu, jp],
        category=homeware,
        description="Glazed to feel like linen.",
    )
    Variant.objects.create(product=mug, sku="MUG", price_amount=Decimal("12.00"))

    draft = make_product("draft-tote", "Draft tote", [eu, us, jp], status=Product.Status.DRAFT)
    Variant.objects.create(product=draft, sku="TOTE", price_amount=Decimal("15"))
    archived = make_product("old-cap", "Old cap", [eu], status=Product.Status.ARCHIVED)
    Variant.objects.create(product=archived, sku="CAP", price_amount=Decimal("9"))
    # The catalog indexes after commit; a test's transaction never commits.
    reindex_products()
    return Store(eu, us, jp, apparel, shirts, shirt, scarf, mug)
