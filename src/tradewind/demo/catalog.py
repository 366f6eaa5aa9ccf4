"""Store the planned demo catalog: categories, products, variants, translations, collections,
publications, fixed prices and pictures, in a few bulk inserts.

Rows are checked with the models' own validation before they are inserted, so the demo
never holds data the admin would refuse. Bulk inserts skip model signals, so the caller
rebuilds the search index once at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models

from tradewind.catalog import images as catalog_images
from tradewind.catalog.models import (
    Category,
    CategoryTranslation,
    Collection,
    CollectionTranslation,
    Product,
    ProductImage,
    ProductTranslation,
    Publication,
    Variant,
)
from tradewind.demo import images
from tradewind.demo.plan import ImagePlan, ProductPlan
from tradewind.demo.words import BRAND, CATEGORIES, COLLECTIONS, TRANSLATED_LANGUAGES
from tradewind.markets.models import Market
from tradewind.pricing.models import PriceOverride

# Foreign keys are left out of per-row validation: each would cost a query, and the
# targets were created a moment ago in the same transaction.
NO_FOREIGN_KEYS = {
    Product: ["category"],
    ProductTranslation: ["product"],
    Variant: ["product"],
    Publication: ["product", "market"],
    PriceOverride: ["variant", "market"],
    ProductImage: ["product", "variant"],
    CategoryTranslation: ["category"],
    CollectionTranslation: ["collection"],
}

Progress = Callable[[int, int], None]
IMAGE_WORKERS = 8


@dataclass(frozen=True)
class CatalogCounts:
    products: int
    variants: int
    translations: int
    collections: int
    publications: int
    overrides: int


def _checked(rows: Sequence[models.Model]) -> Sequence[models.Model]:
    for row in rows:
        row.full_clean(
            exclude=NO_FOREIGN_KEYS.get(type(row), []),
            validate_unique=False,
            validate_constraints=False,
        )
    return rows


def _insert(model: type[Any], rows: Sequence[Any]) -> list[Any]:
    created: list[Any] = model.objects.bulk_create(_checked(rows), batch_size=500)
    return created


def create_categories() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    translations: list[CategoryTranslation] = []
    for position, words in enumerate(CATEGORIES):
        category = Category(
            slug=words.slug,
            name=words.names["en"],
            parent=categories[words.parent] if words.parent else None,
            position=position,
        )
        category.full_clean(validate_unique=False, validate_constraints=False)
        category.save()
        categories[words.slug] = category
        translations.extend(
            CategoryTranslation(category=category, language=lang, name=words.names[lang])
            for lang in TRANSLATED_LANGUAGES
        )
    _insert(CategoryTranslation, translations)
    return categories


def _product(plan: ProductPlan, category: Category) -> Product:
    kind = plan.kind
    length, width, height = kind.size_mm
    return Product(
        handle=plan.handle,
        name=plan.name,
        description=plan.descriptions["en"],
        vendor=BRAND,
        product_type=kind.names["en"],
        category=category,
        tags=plan.tags,
        option_names=plan.option_names,
        status=plan.status,
        tax_class=kind.tax_class,
        hs_code=plan.hs_code,
        origin_country=plan.origin,
        weight_grams=kind.weight_grams,
        length_mm=length,
        width_mm=width,
        height_mm=height,
    )


def create_products(
    plans: Sequence[ProductPlan], categories: dict[str, Category], markets: Sequence[Market]
) -> tuple[list[Product], dict[str, Variant], CatalogCounts]:
    products = _insert(Product, [_product(p, categories[p.kind.category]) for p in plans])
    translations = [
        ProductTranslation(
            product=product,
            language=lang,
            name=plan.names[lang],
            description=plan.descriptions[lang],
        )
        for plan, product in zip(plans, products, strict=True)
        for lang in TRANSLATED_LANGUAGES
    ]
    _insert(ProductTranslation, translations)
    variants = _insert(
        Variant,
        [
            Variant(
                product=product,
                sku=v.sku,
                barcode=v.barcode,
                options=v.options,
                price_amount=v.price,
                compare_at_amount=v.compare_at,
                weight_grams=v.weight_grams,
                position=v.position,
            )
            for plan, product in zip(plans, products, strict=True)
            for v in plan.variants
        ],
    )
    by_sku = {v.sku: v for v in variants}
    publications = _insert(
        Publication,
        [
            Publication(product=product, market=market)
            for plan, product in zip(plans, products, strict=True)
            if plan.is_active
            for market in markets
            if market.code not in plan.hidden_in
        ],
    )
    by_code = {m.code: m for m in markets}
    overrides = _insert(
        PriceOverride,
        [
            PriceOverride(variant=by_sku[v.sku], market=by_code[code], amount=amount)
            for plan in plans
            for code, amount in plan.overrides.items()
            for v in plan.variants
        ],
    )
    collections = _create_collections(plans, products)
    counts = CatalogCounts(
        products=len(products),
        variants=len(variants),
        translations=len(translations),
        collections=collections,
        publications=len(publications),
        overrides=len(overrides),
    )
    return products, by_sku, counts


def _create_collections(plans: Sequence[ProductPlan], products: Sequence[Product]) -> int:
    collections = []
    for words in COLLECTIONS:
        collection = Collection(
            slug=words.slug, name=words.names["en"], description=words.description
        )
        collection.full_clean(validate_unique=False, validate_constraints=False)
        collections.append(collection)
    Collection.objects.bulk_create(collections)
    _insert(
        CollectionTranslation,
        [
            CollectionTranslation(collection=collection, language=lang, name=words.names[lang])
            for words, collection in zip(COLLECTIONS, collections, strict=True)
            for lang in TRANSLATED_LANGUAGES
        ],
    )
    membership = Collection.products.through
    by_slug = {c.slug: c for c in collections}
    membership.objects.bulk_create(
        [
            membership(collection_id=by_slug[slug].pk, product_id=product.pk)
            for plan, product in zip(plans, products, strict=True)
            for slug in sorted(plan.collections)
        ],
        batch_size=500,
    )
    return len(collections)


def create_images(
    plans: Sequence[ProductPlan],
    products: Sequence[Product],
    variants: dict[str, Variant],
    written: list[str],
    progress: Progress,
) -> int:
    """Draw, store and thumbnail every planned picture; ``written`` collects file names so
    the caller can remove them if the transaction fails.

    Pictures are drawn in worker threads (Pillow releases the GIL while it scales and
    encodes); the workers touch only files, and rows are inserted here afterwards.
    """
    field = ProductImage._meta.get_field("image")
    assert isinstance(field, models.ImageField)
    storage: Storage = field.storage
    pictures = [
        [
            (
                picture,
                ProductImage(
                    product=product,
                    variant=variants[picture.variant_sku] if picture.variant_sku else None,
                    alt=picture.alt,
                    position=picture.position,
                ),
            )
            for picture in plan.images
        ]
        for plan, product in zip(plans, products, strict=True)
    ]

    def draw(planned: list[tuple[ImagePlan, ProductImage]]) -> None:
        for picture, row in planned:
            name = _store(storage, field.generate_filename(row, picture.file_name), picture)
            written.append(name)
            rendition = catalog_images.render_thumbnails(name, storage)
            written.extend(rendition.thumbnails.values())
            row.image.name = name
            row.width, row.height = rendition.width, rendition.height
            row.thumbnails = rendition.thumbnails

    with ThreadPoolExecutor(max_workers=min(IMAGE_WORKERS, os.cpu_count() or 1)) as pool:
        try:
            for count, _ in enumerate(pool.map(draw, pictures), start=1):
                progress(count, len(plans))
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    rows = [row for planned in pictures for _, row in planned]
    _insert(ProductImage, rows)
    return len(rows)


def _store(storage: Storage, name: str, picture: ImagePlan) -> str:
    # A file left by an earlier build whose database was since emptied is replaced, so a
    # rebuild keeps the planned file names instead of getting suffixed copies.
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(images.render(picture)))


def delete_files(names: Iterable[str]) -> None:
    field = ProductImage._meta.get_field("image")
    assert isinstance(field, models.ImageField)
    catalog_images.delete_files(names, field.storage)
