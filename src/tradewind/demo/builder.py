"""Build the demo store: one believable cross-border brand, the same for the same seed."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from tradewind.catalog.models import Product, Variant
from tradewind.catalog.search import reindex_products
from tradewind.core.money import format_money
from tradewind.demo import catalog
from tradewind.demo.history import build_history
from tradewind.demo.markets import MARKET_FACTS, create_markets, load_rates
from tradewind.demo.operations import create_operations
from tradewind.demo.plan import MAX_PRODUCTS, plan_catalog
from tradewind.demo.words import BRAND, BRAND_CITY
from tradewind.markets.models import Market, MarketCountry
from tradewind.pricing.services import prices_in_market

PROGRESS_STEPS = 4  # progress lines while pictures are drawn
MAX_CUSTOMERS = 10_000_000


class DemoError(ValueError):
    """The demo cannot be built as asked; the message says why."""


@dataclass(frozen=True)
class DemoResult:
    built: bool
    products: int
    seconds: float


def check_size(products: int, customers: int) -> None:
    """Refuse sizes the demo cannot build, before anything touches the database."""
    if not 1 <= products <= MAX_PRODUCTS:
        raise DemoError(f"--products must be between 1 and {MAX_PRODUCTS}, not {products}.")
    if not 0 <= customers <= MAX_CUSTOMERS:
        raise DemoError(f"--customers must be between 0 and {MAX_CUSTOMERS:,}, not {customers}.")


def build_demo(
    *,
    seed: int = 42,
    products: int = 200,
    customers: int = 0,
    out: TextIO | None = None,
    today: date | None = None,
) -> DemoResult:
    """Load the demo brand into an empty store, reporting progress to ``out``.

    A store that already has markets or products is left as it is (the result says
    ``built=False``), so running the demo twice is safe. Everything is written in one
    transaction; picture files of a failed build are removed again.
    """
    stream = out or sys.stdout
    check_size(products, customers)
    started = time.perf_counter()

    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    existing = _existing_store()
    if existing:
        say(existing)
        return DemoResult(False, Product.objects.count(), time.perf_counter() - started)

    say(f"Building the demo store of {BRAND}, {BRAND_CITY} (seed {seed}, {products} products)")
    plans = plan_catalog(seed, products, MARKET_FACTS)
    written: list[str] = []
    try:
        with transaction.atomic():
            rates = load_rates()
            say(f"  FX rates: {rates.ecb.summary()} Pegged: {rates.pegged} (AED, SAR).")
            markets = create_markets()
            currencies = ", ".join(dict.fromkeys(m.currency for m in markets))
            countries = MarketCountry.objects.filter(market__in=markets).count()
            say(f"  Markets: {len(markets)} covering {countries} countries ({currencies})")
            categories = catalog.create_categories()
            say(f"  Categories: {len(categories)}")
            created, variants, counts = catalog.create_products(plans, categories, markets)
            say(
                f"  Products: {counts.products:,} with {counts.variants:,} variants, "
                f"{counts.translations:,} translations, {counts.publications:,} publications, "
                f"{counts.collections} collections, {counts.overrides} fixed prices"
            )
            step = max(1, len(plans) // PROGRESS_STEPS)

            def progress(done: int, total: int) -> None:
                if done % step == 0 or done == total:
                    say(f"  Pictures: {done:,}/{total:,} products")

            pictures = catalog.create_images(plans, created, variants, written, progress)
            say(f"  Pictures: {pictures:,} images with thumbnails")
            indexed = reindex_products(None)
            say(f"  Search index: {indexed:,} products")
            ops = create_operations(seed, markets)
            say(
                f"  Operations: {ops.warehouses} warehouses, {ops.units:,} units in stock, "
                f"{ops.zones} shipping zones with {ops.methods} methods"
            )
            if customers:
                history = build_history(
                    seed=seed,
                    customers=customers,
                    markets=markets,
                    today=today or timezone.localdate(),
                    say=say,
                )
                say(
                    f"  History: {history.customers:,} customers, {history.orders:,} orders "
                    f"with {history.lines:,} lines, {history.shipments:,} shipments, "
                    f"{history.returns:,} returns, {history.refunds:,} refunds "
                    f"in {history.seconds:.1f} s"
                )
    except BaseException:
        catalog.delete_files(written)
        raise
    say(_hero_prices(plans[0].variants[0].sku, markets))
    seconds = time.perf_counter() - started
    say(f"Demo store ready in {seconds:.1f} s.")
    return DemoResult(True, len(plans), seconds)


def _existing_store() -> str | None:
    """Why the demo should not be loaded here, or None for an empty store."""
    demo_products = Product.objects.filter(vendor=BRAND).count()
    if demo_products:
        return (
            f"The demo store of {BRAND} is already loaded ({demo_products:,} products); "
            f"nothing was changed. To build it afresh, use an empty TRADEWIND_DATA_DIR "
            f"or database."
        )
    markets, products = Market.objects.count(), Product.objects.count()
    if markets or products:
        return (
            f"This store already has {markets} markets and {products:,} products; the demo "
            f"loads only into an empty store, so nothing was changed."
        )
    return None


def _hero_prices(sku: str, markets: list[Market]) -> str:
    """One line showing what the hero variant costs around the world."""
    variant = Variant.objects.select_related("product").get(sku=sku)
    by_price: dict[str, list[str]] = {}
    for market in markets:
        price = prices_in_market([variant], market)[variant.pk].price
        by_price.setdefault(format_money(price, "en"), []).append(market.code)
    shown = ", ".join(f"{price} ({' '.join(codes)})" for price, codes in by_price.items())
    return f"  {variant.product.name} ({sku}): {shown}"
