"""Shapes of the store API's answers (they are the OpenAPI document's components)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from tradewind.markets.models import DutiesMode, TaxDisplay, Units


class ReturnDays(Schema):
    statutory: int = Field(description="Withdrawal period the law gives.")
    merchant: int = Field(description="The brand's own return policy (0 = none).")
    effective: int = Field(description="The longer of the two: what the shopper gets.")


class MarketOut(Schema):
    code: str
    name: str
    currency: str
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes sold to.")
    default_language: str
    languages: list[str] = Field(description="Every language offered, the default first.")
    tax_display: TaxDisplay
    duties_mode: DutiesMode
    payment_methods: list[str]
    return_days: ReturnDays
    units: Units
    subfolder: str = Field(description="URL subfolder of the market's web presence.")


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    language: str = Field(description="The language name and description are in.")
    parent: int | None = Field(description="Id of the parent category; null at the top.")
    depth: int = Field(description="0 for top-level categories.")


class CategoryList(Schema):
    language: str
    items: list[CategoryOut] = Field(description="Depth-first: every parent before its children.")


class CategoryRef(Schema):
    id: int
    slug: str
    name: str


class Price(Schema):
    amount: str = Field(description="Decimal amount in the currency's precision, e.g. '24.99'.")
    currency: str
    formatted: str = Field(description="As the shopper's locale writes it, e.g. '24,99 €'.")


class Thumbnail(Schema):
    width: int
    url: str


class ImageOut(Schema):
    url: str
    alt: str
    width: int | None
    height: int | None
    variant_sku: str | None = Field(description="The variant the image shows, if only one.")
    thumbnails: list[Thumbnail] = Field(description="WebP renditions, narrowest first.")


class VariantOut(Schema):
    sku: str
    barcode: str
    options: dict[str, str]
    weight_grams: int | None
    price: Price | None = Field(description="Null when no price can be given (see price_error).")
    compare_at: Price | None
    price_source: Literal["override", "base", "converted"] | None = Field(
        description=(
            "'override': a fixed market price; 'base': the base price as entered, the market "
            "selling in the base currency; 'converted': the base price at the FX rate."
        )
    )
    price_error: str | None = Field(description="Why the price is missing, if it is.")


class Dimensions(Schema):
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None


class ProductOut(Schema):
    handle: str
    name: str
    description: str
    language: str = Field(description="The language name and description are actually in.")
    vendor: str
    product_type: str
    category: CategoryRef | None
    tags: list[str]
    options: list[str] = Field(description="Option names, e.g. ['Size', 'Colour'].")
    hs_code: str | None
    origin_country: str | None
    weight_grams: int | None
    dimensions: Dimensions
    images: list[ImageOut]
    variants: list[VariantOut]


class ShopperContext(Schema):
    market: str
    currency: str
    language: str = Field(description="The language asked for (or the market's default).")
    locale: str = Field(description="Locale prices are formatted in, e.g. 'de-DE'.")


class ProductPage(ShopperContext):
    total: int = Field(description="Products matching, over all pages.")
    limit: int
    offset: int
    items: list[ProductOut]


class ProductDetail(ShopperContext):
    product: ProductOut
