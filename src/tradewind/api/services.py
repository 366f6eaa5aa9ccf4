"""Read use cases of the store API: what a shopper in one market, reading one language,
sees of the markets, the category tree and the products.

Every listing costs a fixed number of SQL queries whatever its size: related rows come in
through select_related/prefetch_related and prices for a whole page in two queries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from moneyed import Money

from tradewind.api import schemas
from tradewind.api.errors import InvalidParameter, NotFound
from tradewind.api.locale import shopper_locale
from tradewind.catalog.models import Category, Product, ProductImage, Variant
from tradewind.catalog.search import search_products
from tradewind.catalog.translation import fallback_chain, localize_category, localize_product
from tradewind.core.money import format_money
from tradewind.markets.models import DutiesMode, Market, TaxDisplay, Units
from tradewind.markets.services import MissingFxRate, fx_table, market_by_code, market_for_country
from tradewind.markets.validators import supported_languages, validate_country
from tradewind.pricing.services import MarketPrice, prices_in_market

logger = logging.getLogger(__name__)

# A text search ranks at most this many products; filters and pages apply to them.
SEARCH_CANDIDATES = 500


@dataclass(frozen=True)
class Shopper:
    """Who is asking: the market they shop in and the language they read."""

    market: Market
    language: str  # asked for, or the market's default
    chain: list[str]  # languages to try for each text, best first
    locale: str  # BCP 47, for formatting prices


def _market_out(market: Market) -> schemas.MarketOut:
    return schemas.MarketOut(
        code=market.code,
        name=market.name,
        currency=market.currency,
        countries=[c.country for c in market.countries.all()],
        default_language=market.default_language,
        languages=market.all_languages,
        tax_display=TaxDisplay(market.tax_display),
        duties_mode=DutiesMode(market.duties_mode),
        payment_methods=list(market.payment_methods),
        return_days=schemas.ReturnDays(
            statutory=market.statutory_return_days,
            merchant=market.merchant_return_days,
            effective=market.return_days,
        ),
        units=Units(market.units),
        subfolder=market.subfolder,
    )


def list_markets() -> list[schemas.MarketOut]:
    markets = Market.objects.filter(is_active=True).prefetch_related("countries")
    return [_market_out(m) for m in markets]


def get_market(code: str) -> schemas.MarketOut:
    market = Market.objects.filter(code=code, is_active=True).prefetch_related("countries").first()
    if market is None:
        raise NotFound(f"No active market with the code '{code}'.")
    return _market_out(market)


def resolve_language(language: str | None, default: str) -> str:
    if language is None:
        return default
    if language not in supported_languages():
        choices = ", ".join(sorted(supported_languages()))
        raise InvalidParameter("language", f"'{language}' is not a store language ({choices}).")
    return language


def _shopper_market(code: str | None, country: str | None) -> Market:
    if code is not None:
        market = market_by_code(code)
        if market is None:
            raise InvalidParameter("market", f"unknown market '{code}'")
        return market
    if country is None:
        raise InvalidParameter("market", "give a market code (or a country to derive it from)")
    try:
        validate_country(country)
    except ValidationError as exc:
        raise InvalidParameter("country", f"'{country}' is not an ISO 3166-1 country code") from exc
    market = market_for_country(country)
    if market is None:
        raise InvalidParameter("country", f"no market sells to '{country.upper()}'")
    return market


def resolve_shopper(market: str | None, country: str | None, language: str | None) -> Shopper:
    """The shopper's market (by code, or by their country) and language.

    A store language the market does not offer is still honoured where a text exists in
    it; otherwise each text falls back to the market's default, then the store's.
    """
    chosen = _shopper_market(market, country)
    countries = [c.country for c in chosen.countries.all()]
    if country is not None and country.upper() not in countries:
        raise InvalidParameter("country", f"market '{chosen.code}' does not sell to '{country}'")
    lang = resolve_language(language, chosen.default_language)
    subfolder_country = chosen.subfolder.partition("-")[2] or None
    return Shopper(
        market=chosen,
        language=lang,
        chain=fallback_chain(lang, chosen.default_language),
        locale=shopper_locale(lang, countries, preferred=(country, subfolder_country)),
    )


def _category_ids_under(slug: str) -> list[int]:
    """The category with ``slug`` and all its descendants, from one query."""
    rows = list(Category.objects.values_list("id", "slug", "parent_id"))
    root = next((pk for pk, s, _ in rows if s == slug), None)
    if root is None:
        raise InvalidParameter("category", f"unknown category '{slug}'")
    children: dict[int | None, list[int]] = {}
    for pk, _, parent in rows:
        children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    stack = [root]
    while stack:
        pk = stack.pop()
        if pk not in found:  # a parent loop written past validation must not hang us
            found.add(pk)
            stack.extend(children.get(pk, ()))
    return sorted(found)


def list_categories(language: str | None) -> schemas.CategoryList:
    """The whole category tree, each name in ``language`` (the store's default if not given)."""
    language = resolve_language(language, settings.LANGUAGE_CODE)
    chain = fallback_chain(language)
    categories = list(Category.objects.prefetch_related("translations"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:  # already in display order (position, name)
        children.setdefault(category.parent_id, []).append(category)
    items: list[schemas.CategoryOut] = []

    def walk(parent: int | None, depth: int) -> None:
        for category in children.get(parent, ()):
            text = localize_category(category, chain)
            items.append(
                schemas.CategoryOut(
                    id=category.pk,
                    slug=category.slug,
                    name=text.name,
                    description=text.description,
                    language=text.language,
                    parent=category.parent_id,
                    depth=depth,
                )
            )
            walk(category.pk, depth + 1)

    walk(None, 0)
    return schemas.CategoryList(language=language, items=items)


def _published(market: Market) -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.ACTIVE, publications__market=market)


def _with_related(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.select_related("category").prefetch_related(
        "translations", "category__translations", "variants", "images"
    )


def _search(query: str, shopper: Shopper) -> list[int]:
    return search_products(
        query,
        shopper.language,
        limit=SEARCH_CANDIDATES,
        market=shopper.market,
        active_only=True,
    )


def product_page(
    shopper: Shopper,
    *,
    category: str | None = None,
    query: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> schemas.ProductPage:
    """One page of the products a shopper may buy, in name order or by search rank."""
    products = _published(shopper.market)
    if category is not None:
        products = products.filter(category_id__in=_category_ids_under(category))
    if query and query.strip():
        # Search already keeps the active products published in the market.
        hits = _search(query.strip(), shopper)
        if category is not None:
            in_category = set(products.filter(pk__in=hits).values_list("pk", flat=True))
            hits = [pk for pk in hits if pk in in_category]
        total = len(hits)
        page_ids = hits[offset : offset + limit]
        by_id = {p.pk: p for p in _with_related(Product.objects.filter(pk__in=page_ids))}
        # A product deleted since the search ran is skipped, not an error.
        page = [by_id[pk] for pk in page_ids if pk in by_id]
    else:
        total = products.count()
        page = list(_with_related(products.order_by("name", "pk"))[offset : offset + limit])
    return schemas.ProductPage(
        **_context(shopper),
        total=total,
        limit=limit,
        offset=offset,
        items=_products_out(page, shopper),
    )


def product_detail(shopper: Shopper, handle: str) -> schemas.ProductDetail:
    product = _with_related(_published(shopper.market).filter(handle=handle)).first()
    if product is None:
        raise NotFound(f"No product '{handle}' is for sale in the market '{shopper.market.code}'.")
    return schemas.ProductDetail(**_context(shopper), product=_products_out([product], shopper)[0])


def _context(shopper: Shopper) -> dict[str, str]:
    return {
        "market": shopper.market.code,
        "currency": shopper.market.currency,
        "language": shopper.language,
        "locale": shopper.locale,
    }


@dataclass(frozen=True)
class _Prices:
    found: dict[int, MarketPrice]
    errors: dict[int, str]


def _prices(variants: Sequence[Variant], market: Market) -> _Prices:
    """Prices of ``variants`` in ``market``; a variant whose currency has no FX rate gets an
    error instead, so one missing rate does not take the whole page down.

    Pricing answers for a whole batch or raises, so until the rate is added such a variant
    shows no price even where the market has a fixed price for it.
    """
    at = timezone.now()
    try:
        return _Prices(prices_in_market(variants, market, at), {})
    except MissingFxRate as exc:
        logger.warning("Store API shows products without price: %s", exc)
    return _prices_skipping_missing_rates(variants, market, at)


def _prices_skipping_missing_rates(
    variants: Sequence[Variant], market: Market, at: datetime
) -> _Prices:
    table = fx_table(at)
    priceable: list[Variant] = []
    errors: dict[int, str] = {}
    for variant in variants:
        try:
            table.rate(variant.price_currency, market.currency)
        except MissingFxRate as exc:
            errors[variant.pk] = (
                f"No price in {market.currency}: the store has no exchange rate for "
                f"{exc.currency} yet."
            )
        else:
            priceable.append(variant)
    return _Prices(prices_in_market(priceable, market, at), errors)


def _price_out(value: Money | None, locale: str) -> schemas.Price | None:
    if value is None:
        return None
    return schemas.Price(
        amount=format(value.amount, "f"),
        currency=value.currency.code,
        formatted=format_money(value, locale),
    )


def _products_out(products: Iterable[Product], shopper: Shopper) -> list[schemas.ProductOut]:
    products = list(products)
    variants = [v for p in products for v in p.variants.all()]
    prices = _prices(variants, shopper.market)
    return [_product_out(p, shopper, prices) for p in products]


def _product_out(product: Product, shopper: Shopper, prices: _Prices) -> schemas.ProductOut:
    text = localize_product(product, shopper.chain)
    variants = list(product.variants.all())
    skus = {v.pk: v.sku for v in variants}
    category = None
    if product.category is not None:
        category = schemas.CategoryRef(
            id=product.category.pk,
            slug=product.category.slug,
            name=localize_category(product.category, shopper.chain).name,
        )
    return schemas.ProductOut(
        handle=product.handle,
        name=text.name,
        description=text.description,
        language=text.language,
        vendor=product.vendor,
        product_type=product.product_type,
        category=category,
        tags=[str(tag) for tag in product.tags],
        options=[str(name) for name in product.option_names],
        hs_code=product.hs_code or None,
        origin_country=product.origin_country or None,
        weight_grams=product.weight_grams,
        dimensions=schemas.Dimensions(
            length_mm=product.length_mm, width_mm=product.width_mm, height_mm=product.height_mm
        ),
        images=[_image_out(image, skus) for image in product.images.all()],
        variants=[_variant_out(v, product, shopper, prices) for v in variants],
    )


def _image_out(image: ProductImage, skus: dict[int, str]) -> schemas.ImageOut:
    storage = image.image.storage
    thumbnails = sorted((int(width), storage.url(path)) for width, path in image.thumbnails.items())
    return schemas.ImageOut(
        url=image.image.url if image.image else image.source_url,
        alt=image.alt,
        width=image.width,
        height=image.height,
        variant_sku=skus.get(image.variant_id) if image.variant_id else None,
        thumbnails=[schemas.Thumbnail(width=w, url=url) for w, url in thumbnails],
    )


def _variant_out(
    variant: Variant, product: Product, shopper: Shopper, prices: _Prices
) -> schemas.VariantOut:
    price = prices.found.get(variant.pk)
    return schemas.VariantOut(
        sku=variant.sku,
        barcode=variant.barcode,
        options={str(k): str(v) for k, v in variant.options.items()},
        weight_grams=variant.weight_grams or product.weight_grams,
        price=_price_out(price.price if price else None, shopper.locale),
        compare_at=_price_out(price.compare_at if price else None, shopper.locale),
        price_source=price.source if price else None,
        price_error=prices.errors.get(variant.pk),
    )
