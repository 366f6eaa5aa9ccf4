"""Admin for the catalog: products with their variants, translations, photos and markets
on one page, and what each product costs in every market."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tradewind.catalog import search, services
from tradewind.catalog.forms import (
    ProductForm,
    VariantForm,
    VariantInlineFormSet,
    format_option_values,
)
from tradewind.catalog.models import (
    Category,
    CategoryTranslation,
    Collection,
    CollectionTranslation,
    Product,
    ProductImage,
    ProductTranslation,
    Publication,
    SearchDocument,
    Variant,
)
from tradewind.core.money import format_money
from tradewind.markets.models import Market
from tradewind.markets.services import MissingFxRate
from tradewind.pricing.services import MarketPrice, prices_in_market

PREVIEW_WIDTH = 80

# Imported photo URLs are https; say so now rather than rely on Django's changing default.
URL_FIELDS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def _preview(image: ProductImage) -> str:
    url = image.thumbnail_url(PREVIEW_WIDTH * 2)  # sharp on high-density screens
    if not url:
        return "—"
    return format_html('<img src="{}" width="{}" alt="{}">', url, PREVIEW_WIDTH, image.alt)


def category_path(category: Category) -> str:
    names, seen = [], set()
    node: Category | None = category
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        names.append(node.name)
        node = node.parent
    return " > ".join(reversed(names))


class CategoryTranslationInline(admin.TabularInline):
    model = CategoryTranslation
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "parent", "slug", "position", "product_count"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "translations__name"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["parent"]
    inlines = [CategoryTranslationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        # Three levels of parents come with the row, so paths of usual trees cost no query.
        return (
            super()
            .get_queryset(request)
            .select_related("parent__parent__parent")
            .annotate(product_total=Count("products", distinct=True))
        )

    @admin.display(description="Place in the tree")
    def path(self, category: Category) -> str:
        return category_path(category)

    @admin.display(description="Products", ordering="product_total")
    def product_count(self, category: Category) -> int:
        return int(getattr(category, "product_total", 0))


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantForm
    formset = VariantInlineFormSet
    fields = [
        "sku",
        "options",
        "price_amount",
        "price_currency",
        "compare_at_amount",
        "barcode",
        "weight_grams",
        "position",
    ]
    extra = 0
    show_change_link = True


class ProductTranslationInline(admin.StackedInline):
    model = ProductTranslation
    extra = 0


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    formfield_overrides = URL_FIELDS
    fields = ["preview", "image", "alt", "variant", "position", "source_url", "width", "height"]
    readonly_fields = ["preview", "width", "height"]
    extra = 0

    @admin.display(description="Preview")
    def preview(self, image: ProductImage) -> str:
        return _preview(image)


class PublicationInline(admin.TabularInline):
    model = Publication
    fields = ["market", "published_at"]
    readonly_fields = ["published_at"]
    extra = 0
    verbose_name = "market it is sold in"
    verbose_name_plural = "markets it is sold in"


@dataclass(frozen=True)
class PriceRow:
    market: Market
    sku: str = ""
    price: str = ""
    compare_at: str = ""
    source: str = ""
    problem: str = ""


def market_price_rows(product: Product) -> list[PriceRow]:
    """One row per variant and active market, or one row saying why a market has no prices."""
    variants = list(product.variants.all())
    rows = []
    for market in Market.objects.filter(is_active=True).order_by("name"):
        try:
            prices = prices_in_market(variants, market)
        except MissingFxRate as exc:
            rows.append(PriceRow(market, problem=str(exc)))
            continue
        locale = market.default_language
        for variant in variants:
            quote = prices[variant.pk]
            rows.append(
                PriceRow(
                    market,
                    sku=variant.sku,
                    price=format_money(quote.price, locale),
                    compare_at=format_money(quote.compare_at, locale) if quote.compare_at else "",
                    source=_source_label(quote),
                )
            )
    return rows


def _source_label(quote: MarketPrice) -> str:
    if quote.source == "override":
        return "Fixed price for this market"
    if quote.source == "base" or quote.fx_rate is None:
        return "Base price, as entered"
    return f"Converted at {quote.fx_rate.normalize():f}"


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "handle",
        "status",
        "category",
        "tax_class",
        "origin_country",
        "variant_count",
        "market_codes",
    ]
    list_filter = ["status", "category", "tax_class", "origin_country", "markets"]
    search_fields = ["name", "handle", "variants__sku", "translations__name"]
    list_select_related = ["category"]
    form = ProductForm
    prepopulated_fields = {"handle": ("name",)}
    autocomplete_fields = ["category"]
    readonly_fields = ["prices_in_every_market", "created_at", "updated_at"]
    inlines = [VariantInline, ProductTranslationInline, ProductImageInline, PublicationInline]
    actions = ["publish_everywhere", "unpublish_everywhere", "reindex_search"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "handle",
                    "status",
                    "description",
                    "category",
                    "vendor",
                    "product_type",
                    "tags",
                    "option_names",
                ]
            },
        ),
        (
            "Customs and shipping",
            {
                "fields": [
                    "tax_class",
                    "hs_code",
                    "origin_country",
                    "weight_grams",
                    ("length_mm", "width_mm", "height_mm"),
                ]
            },
        ),
        ("Prices in every market", {"fields": ["prices_in_every_market"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super()
            .get_queryset(request)
            .annotate(variant_total=Count("variants", distinct=True))
            .prefetch_related("markets")
        )

    @admin.display(description="Variants", ordering="variant_total")
    def variant_count(self, product: Product) -> int:
        return int(getattr(product, "variant_total", 0))

    @admin.display(description="Markets")
    def market_codes(self, product: Product) -> str:
        return ", ".join(m.code for m in product.markets.all())

    @admin.display(description="Prices in every market")
    def prices_in_every_market(self, product: Product) -> SafeString | str:
        if product.pk is None:
            return "Save the product to see what it costs in each market."
        if not product.variants.exists():
            return "Add a variant with a price to see what it costs in each market."
        return render_to_string(
            "catalog/admin/market_prices.html", {"rows": market_price_rows(product)}
        )

    @admin.action(description="Publish to every active market", permissions=["change"])
    def publish_everywhere(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        markets = list(Market.objects.filter(is_active=True))
        added = sum(services.publish_product(p, markets) for p in queryset)
        self.message_user(request, f"{added} new publications.", messages.SUCCESS)

    @admin.action(description="Withdraw from every market", permissions=["change"])
    def unpublish_everywhere(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        removed = sum(services.unpublish_product(p) for p in queryset)
        self.message_user(request, f"{removed} publications withdrawn.", messages.SUCCESS)

    @admin.action(description="Rebuild search entries", permissions=["change"])
    def reindex_search(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = search.reindex_products(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Search entries rebuilt for {count} products.")


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    form = VariantForm
    list_display = ["sku", "product", "option_values", "price_amount", "price_currency", "barcode"]
    list_filter = ["price_currency", "product__status"]
    search_fields = ["sku", "barcode", "product__name", "product__handle"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]

    @admin.display(description="Option values")
    def option_values(self, variant: Variant) -> str:
        return format_option_values(variant.options, variant.product.option_names)


@admin.register(ProductTranslation)
class ProductTranslationAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "product"]
    list_filter = ["language"]
    search_fields = ["name", "product__name", "product__handle"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]


@admin.register(CategoryTranslation)
class CategoryTranslationAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "category"]
    list_filter = ["language"]
    search_fields = ["name", "category__name"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["product", "market", "published_at"]
    list_filter = ["market"]
    search_fields = ["product__name", "product__handle", "market__code", "market__name"]
    list_select_related = ["product", "market"]
    autocomplete_fields = ["product", "market"]


class CollectionTranslationInline(admin.TabularInline):
    model = CollectionTranslation
    extra = 0


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "product_count"]
    search_fields = ["name", "slug", "translations__name"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["products"]
    inlines = [CollectionTranslationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Collection]:
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description="Products", ordering="product_total")
    def product_count(self, collection: Collection) -> int:
        return int(getattr(collection, "product_total", 0))


@admin.register(CollectionTranslation)
class CollectionTranslationAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "collection"]
    list_filter = ["language"]
    search_fields = ["name", "collection__name"]
    list_select_related = ["collection"]
    autocomplete_fields = ["collection"]


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["preview", "product", "alt", "width", "height", "position"]
    search_fields = ["alt", "product__name", "product__handle"]
    list_select_related = ["product"]
    autocomplete_fields = ["product", "variant"]
    readonly_fields = ["preview", "width", "height", "thumbnails"]

    @admin.display(description="Preview")
    def preview(self, image: ProductImage) -> str:
        return _preview(image)


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """Read-only: shows what search matches for each product, for explaining results."""

    list_display = ["product", "language", "name"]
    list_filter = ["language"]
    search_fields = ["product__name", "product__handle"]
    list_select_related = ["product"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
