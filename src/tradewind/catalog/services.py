"""Catalog use cases: products with their variants and translations, publication to
markets, photos, and the hook to call after writing catalog rows in bulk.

Every use case checks all its input before writing anything, reports every problem at
once in a ValidationError keyed by field (``variants[1].sku``, ``translations[de].name``),
and writes in one transaction, so a failed call leaves the catalog as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from tradewind.catalog import search
from tradewind.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductTranslation,
    Publication,
    TaxClass,
    Variant,
)
from tradewind.markets.models import Market
from tradewind.markets.validators import validate_language

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class TranslationInput:
    name: str
    description: str = ""


@dataclass(frozen=True)
class VariantInput:
    sku: str
    price_amount: Decimal
    options: Mapping[str, str] = field(default_factory=dict)
    price_currency: str | None = None  # the store's base currency when None
    barcode: str = ""
    compare_at_amount: Decimal | None = None
    weight_grams: int | None = None


@dataclass(frozen=True)
class ProductInput:
    """A whole product as it should be; updating replaces variants and translations."""

    handle: str
    name: str
    variants: Sequence[VariantInput]
    description: str = ""
    vendor: str = ""
    product_type: str = ""
    category: Category | None = None
    tags: Sequence[str] = ()
    option_names: Sequence[str] = ()
    status: str = Product.Status.DRAFT
    tax_class: str = TaxClass.STANDARD
    hs_code: str = ""
    origin_country: str = ""
    weight_grams: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    translations: Mapping[str, TranslationInput] = field(default_factory=dict)


def _collect(errors: Errors, prefix: str, exc: ValidationError) -> None:
    for name, messages in exc.message_dict.items():
        key = f"{prefix}.{name}" if prefix and name != "__all__" else prefix or name
        errors.setdefault(key, []).extend(messages)


def _apply_product(product: Product, data: ProductInput, errors: Errors) -> None:
    product.handle = data.handle
    product.name = data.name
    product.description = data.description
    product.vendor = data.vendor
    product.product_type = data.product_type
    product.category = data.category
    product.tags = list(data.tags)
    product.option_names = list(data.option_names)
    product.status = data.status
    product.tax_class = data.tax_class
    # Codes are often written 6404.11 or 6404 11; customs forms want the bare digits.
    product.hs_code = data.hs_code.replace(".", "").replace(" ", "")
    product.origin_country = data.origin_country
    product.weight_grams = data.weight_grams
    product.length_mm = data.length_mm
    product.width_mm = data.width_mm
    product.height_mm = data.height_mm
    try:
        product.full_clean()
    except ValidationError as exc:
        _collect(errors, "", exc)


def _prepare_variants(product: Product, data: ProductInput, errors: Errors) -> list[Variant]:
    if not data.variants:
        errors["variants"] = ["A product needs at least one variant."]
        return []
    existing = {v.sku: v for v in product.variants.all()} if product.pk else {}
    skus = Counter(v.sku.strip() for v in data.variants)
    taken = {
        v.sku: v.product
        for v in Variant.objects.filter(sku__in=list(skus)).select_related("product")
        if v.product_id != product.pk
    }
    combos = Counter(tuple(sorted(v.options.items())) for v in data.variants)
    variants = []
    for i, given in enumerate(data.variants):
        key = f"variants[{i}]"
        variant = existing.get(given.sku.strip()) or Variant()
        variant.product = product
        variant.sku = given.sku
        variant.barcode = given.barcode
        variant.options = dict(given.options)
        variant.price_amount = given.price_amount
        variant.price_currency = given.price_currency or settings.TRADEWIND_BASE_CURRENCY
        variant.compare_at_amount = given.compare_at_amount
        variant.weight_grams = given.weight_grams
        variant.position = i
        try:
            # SKU uniqueness is checked below against the whole input at once.
            variant.full_clean(exclude=["product"], validate_unique=False)
        except ValidationError as exc:
            _collect(errors, key, exc)
        sku = variant.sku
        if skus[sku] > 1:
            errors.setdefault(f"{key}.sku", []).append(f"SKU '{sku}' appears twice.")
        if sku in taken:
            errors.setdefault(f"{key}.sku", []).append(
                f"SKU '{sku}' is already used by product '{taken[sku].handle}'."
            )
        if given.options and combos[tuple(sorted(given.options.items()))] > 1:
            errors.setdefault(f"{key}.options", []).append(
                "Another variant has the same option values."
            )
        variants.append(variant)
    return variants


def _prepare_translations(
    product: Product, data: ProductInput, errors: Errors
) -> list[ProductTranslation]:
    existing = {t.language: t for t in product.translations.all()} if product.pk else {}
    translations = []
    for language, given in data.translations.items():
        key = f"translations[{language}]"
        try:
            validate_language(language)
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
            continue
        if language == settings.LANGUAGE_CODE:
            errors.setdefault(key, []).append(
                f"The product's own name and description are in {language}; set them there instead."
            )
            continue
        if not given.name.strip():
            errors.setdefault(f"{key}.name", []).append("A translation needs a name.")
            continue
        translation = existing.get(language) or ProductTranslation(language=language)
        translation.product = product
        translation.name = given.name.strip()
        translation.description = given.description
        try:
            translation.full_clean(exclude=["product"], validate_unique=False)
        except ValidationError as exc:
            _collect(errors, key, exc)
        translations.append(translation)
    return translations


def _save_product(product: Product, data: ProductInput) -> Product:
    errors: Errors = {}
    _apply_product(product, data, errors)
    variants = _prepare_variants(product, data, errors)
    translations = _prepare_translations(product, data, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        product.save()
        keep_skus = [v.sku for v in variants]
        product.variants.exclude(sku__in=keep_skus).delete()
        for variant in variants:
            variant.product = product
            variant.save()
        product.translations.exclude(language__in=[t.language for t in translations]).delete()
        for translation in translations:
            translation.product = product
            translation.save()
        search.flush_pending()
    return product


def create_product(data: ProductInput) -> Product:
    """Create a product with its variants and translations, or raise ValidationError."""
    return _save_product(Product(), data)


def update_product(product: Product, data: ProductInput) -> Product:
    """Make ``product`` look like ``data``: variants are matched by SKU (missing ones are
    deleted, new ones added) and translations by language."""
    # A fresh copy, so the caller's instance is untouched when the input is refused.
    return _save_product(Product.objects.get(pk=product.pk), data)


def publish_product(product: Product, markets: Iterable[Market]) -> int:
    """Offer ``product`` in these markets; returns how many publications are new."""
    with transaction.atomic():
        already = set(product.publications.values_list("market_id", flat=True))
        new = [
            Publication(product=product, market=m)
            for m in {m.pk: m for m in markets}.values()
            if m.pk not in already
        ]
        Publication.objects.bulk_create(new)
    return len(new)


def unpublish_product(product: Product, markets: Iterable[Market] | None = None) -> int:
    """Withdraw ``product`` from these markets (all when None); returns how many."""
    publications = product.publications.all()
    if markets is not None:
        publications = publications.filter(market__in=[m.pk for m in markets])
    deleted, _ = publications.delete()
    return deleted


def add_product_image(
    product: Product,
    file: File,
    *,
    alt: str = "",
    variant: Variant | None = None,
    position: int | None = None,
) -> ProductImage:
    """Store a photo of ``product`` with its WebP thumbnails; refuses files that are not
    JPEG, PNG, WebP or GIF images with a ValidationError on ``image``."""
    if position is None:
        position = product.images.count()
    upload = File(file, name=PurePath(file.name or "photo").name)
    image = ProductImage(product=product, variant=variant, alt=alt, position=position, image=upload)
    image.full_clean()
    with transaction.atomic():
        image.save()
    return image


def products_changed(product_ids: Iterable[int]) -> None:
    """Call after writing products, translations or variants without their models' save()
    (bulk_create, QuerySet.update, raw SQL): brings search up to date on commit.

    Saves through the models and the use cases above need no call.
    """
    search.schedule_reindex(product_ids)
