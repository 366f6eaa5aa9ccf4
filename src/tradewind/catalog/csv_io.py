"""Products in and out as Shopify's product CSV, so a brand moves its catalog in one command.

The file: rows sharing a ``Handle`` make one product. Its first row carries the product's
fields and option names; every row with variant data (option values, SKU, price ...)
is a variant; a row may also carry one image, and rows with only ``Image Src`` add
images. A product without options has one variant named ``Title`` / ``Default Title``.
Prices are in the store's base currency; ``Variant Grams`` is always grams (``Variant
Weight Unit`` is only how Shopify displays it). Both the classic headers ("Variant
Price") and the newer ones ("Price", "URL handle") are read, and optional HS code and
country-of-origin columns fill the product's customs data.

What is imported, and when it fails:

* The unit of import is a product: all its rows are checked together, and it is saved in
  its own savepoint. One bad row (a price that is not a number, an option value without
  an option name, a SKU another product owns) fails that product as a whole, with every
  problem reported by the physical line of the file it is on; nothing of that product is
  written and every other product is stored.
* Problems with the file itself (not UTF-8, empty, malformed CSV, a required column
  missing) raise :class:`ShopifyCsvError` before anything is written.
* Importing again updates in place: products are matched by handle, images by URL,
  variants by SKU and otherwise by option values (which also follows a SKU renamed in
  Shopify). Variants without a SKU get one made from the handle and option values.
  Nothing is deleted: a variant missing from the file may still be on an order.
* A column left out of the file leaves its field as it is (Shopify's rule); a column
  present but empty clears the field.
* New active products the file marks as published are published to every active market
  when ``publish_to_all`` is set; existing products keep their publications.

Shopify fields Tradewind has no place for (inventory, cost, SEO, tax codes) are ignored
on import and written with neutral values on export. Gift cards are not catalog products
and are reported. An image Tradewind links to one variant; when several variants name
the same image, it is linked to the first.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Exists, Field, OuterRef, Prefetch
from django.utils.text import slugify

from tradewind.catalog.models import (
    Category,
    Product,
    ProductImage,
    Publication,
    TaxClass,
    Variant,
)
from tradewind.catalog.services import products_changed
from tradewind.core.money import quantize
from tradewind.markets.models import Market

__all__ = [
    "EXPORT_COLUMNS",
    "ImportReport",
    "RowError",
    "ShopifyCsvError",
    "export_shopify_products",
    "import_shopify_products",
]

# The columns of Shopify's product export, in its order, plus the customs columns.
EXPORT_COLUMNS: tuple[str, ...] = (
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "Gift Card",
    "SEO Title",
    "SEO Description",
    "Variant Image",
    "Variant Weight Unit",
    "Variant Tax Code",
    "Cost per item",
    "Variant HS Code",
    "Variant Country of Origin",
    "Status",
)

# Column key -> the headers it is read from (compared case-insensitively); the first one
# names the column in messages when the file does not have it.
_ALIASES: dict[str, tuple[str, ...]] = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title",),
    "body": ("Body (HTML)", "Description"),
    "vendor": ("Vendor",),
    "category": ("Product Category",),
    "type": ("Type",),
    "tags": ("Tags",),
    "published": ("Published", "Published on online store"),
    "option1_name": ("Option1 Name",),
    "option1_value": ("Option1 Value",),
    "option2_name": ("Option2 Name",),
    "option2_value": ("Option2 Value",),
    "option3_name": ("Option3 Name",),
    "option3_value": ("Option3 Value",),
    "sku": ("Variant SKU", "SKU"),
    "grams": ("Variant Grams", "Weight value (grams)"),
    "price": ("Variant Price", "Price"),
    "compare_at": ("Variant Compare At Price", "Compare-at price"),
    "taxable": ("Variant Taxable", "Charge tax"),
    "barcode": ("Variant Barcode", "Barcode"),
    "image_src": ("Image Src", "Product image URL"),
    "image_position": ("Image Position",),
    "image_alt": ("Image Alt Text",),
    "gift_card": ("Gift Card",),
    "variant_image": ("Variant Image", "Variant image URL"),
    "weight_unit": ("Variant Weight Unit", "Weight unit for display"),
    "status": ("Status",),
    "hs_code": (
        "Variant HS Code",
        "HS Code",
        "Harmonized System Code",
        "Variant Harmonized System Code",
    ),
    "origin": (
        "Variant Country of Origin",
        "Country of Origin",
        "Country/Region of Origin",
        "Variant Country/Region of Origin",
    ),
}
_KEY_BY_HEADER = {alias.casefold(): key for key, names in _ALIASES.items() for alias in names}
_REQUIRED = ("handle", "title", "price")
_OPTION_SLOTS = (1, 2, 3)
_VARIANT_KEYS = (
    "option1_value",
    "option2_value",
    "option3_value",
    "sku",
    "price",
    "compare_at",
    "grams",
    "barcode",
)
_WEIGHT_UNITS = ("g", "kg", "lb", "oz")
_DEFAULT_OPTION = ("Title", "Default Title")
# Product descriptions with inline images easily pass csv's default 128 KiB per field.
_FIELD_SIZE_LIMIT = 16 * 1024 * 1024
_PRODUCTS_PER_CHUNK = 250
_SKU_MAX = 64

_PRODUCT_FIELD_KEYS = {
    "handle": "handle",
    "name": "title",
    "description": "body",
    "vendor": "vendor",
    "product_type": "type",
    "tags": "tags",
    "status": "status",
    "hs_code": "hs_code",
    "origin_country": "origin",
    "option_names": "option1_name",
}
_VARIANT_FIELD_KEYS = {
    "sku": "sku",
    "barcode": "barcode",
    "price_amount": "price",
    "compare_at_amount": "compare_at",
    "weight_grams": "grams",
    "options": "option1_value",
}
_IMAGE_FIELD_KEYS = {"source_url": "image_src", "alt": "image_alt", "position": "image_position"}
_PRODUCT_UPDATE_FIELDS = [
    "name",
    "description",
    "vendor",
    "product_type",
    "category",
    "tags",
    "option_names",
    "status",
    "tax_class",
    "hs_code",
    "origin_country",
]
_VARIANT_UPDATE_FIELDS = [
    "sku",
    "barcode",
    "options",
    "price_amount",
    "price_currency",
    "compare_at_amount",
    "weight_grams",
    "position",
]
_IMAGE_UPDATE_FIELDS = ["alt", "position", "variant"]


class ShopifyCsvError(ValueError):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass(frozen=True)
class RowError:
    line: int  # physical line of the file, the header being line 1
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    images_created: int = 0
    published: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        imported = self.created + self.updated + self.unchanged
        text = (
            f"Imported {imported} products ({self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged) with {self.variants_created} new and "
            f"{self.variants_updated} updated variants and {self.images_created} new images"
        )
        if self.published:
            text += f"; published {self.published} new products to every active market"
        if self.failed:
            text += f". {self.failed} products were not imported because of the errors below"
        return text + "."


# --- reading the file ------------------------------------------------------------------


class _Header:
    def __init__(self, cells: Sequence[str]) -> None:
        self.index: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        for position, cell in enumerate(cells):
            name = cell.strip()
            key = _KEY_BY_HEADER.get(name.casefold())
            if key is None:
                continue
            if key in self.index:
                raise ShopifyCsvError(
                    f"columns '{self.labels[key]}' and '{name}' both give the same field; "
                    "keep one of them"
                )
            self.index[key] = position
            self.labels[key] = name
        missing = [_ALIASES[key][0] for key in _REQUIRED if key not in self.index]
        if missing:
            names = " or ".join([", ".join(missing[:-1]), missing[-1]] if missing[:-1] else missing)
            found = ", ".join(c.strip() for c in cells[:12] if c.strip()) or "nothing"
            raise ShopifyCsvError(
                f"the file has no {names} column, so it is not a Shopify product CSV "
                f"(its header row has: {found})"
            )

    def label(self, key: str) -> str:
        return self.labels.get(key) or _ALIASES[key][0]

    def __contains__(self, key: str) -> bool:
        return key in self.index


class _Row:
    __slots__ = ("cells", "header", "line")

    def __init__(self, line: int, cells: list[str], header: _Header) -> None:
        self.line = line
        self.cells = cells
        self.header = header

    def get(self, key: str) -> str:
        position = self.header.index.get(key)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position].strip()

    def has_any(self, keys: Iterable[str]) -> bool:
        return any(self.get(key) for key in keys)


def _read_text(handle: IO[str] | IO[bytes]) -> str:
    content = handle.read()
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError as exc:
        raise ShopifyCsvError(_not_utf8(exc)) from exc
    return text.removeprefix("\ufeff")  # the Excel BOM, when the caller decoded as utf-8


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return (
        f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
        f"{exc.start}); save it as 'CSV UTF-8' and import it again"
    )


def _delimiter(text: str) -> str:
    # Spreadsheets in comma-decimal locales save "CSV" with semicolons.
    first_line = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of every non-blank record; quoted cells span lines."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ShopifyCsvError(f"line {start}: the CSV is malformed ({exc})") from exc


def _groups(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    """Consecutive rows with the same Handle; a row without a Handle stands alone."""
    current: list[_Row] = []
    for row in rows:
        handle = row.get("handle")
        if current and handle and handle == current[0].get("handle"):
            current.append(row)
            continue
        if current:
            yield current
        current = [row]
    if current:
        yield current


# --- parsing one product (no database) -------------------------------------------------


@dataclass
class _VariantDraft:
    line: int
    sku: str
    options: dict[str, str]
    price: Decimal
    compare_at: Decimal | None
    grams: int | None
    barcode: str
    taxable: bool | None
    image_url: str


@dataclass
class _ImageDraft:
    line: int
    url: str
    position: int
    alt: str


@dataclass
class _ProductDraft:
    handle: str
    line: int
    title: str
    body: str
    vendor: str
    product_type: str
    category_path: tuple[str, ...]
    tags: list[str]
    published: bool
    status: str
    option_names: list[str]
    hs_code: str
    origin: str
    field_lines: dict[str, int]
    variants: list[_VariantDraft]
    images: list[_ImageDraft]


class _Parser:
    """Turns one product's rows into a draft, collecting every problem on the way."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        self.first = rows[0]
        self.header = rows[0].header
        self.handle = self.first.get("handle")
        self.problems: list[RowError] = []

    def problem(self, row: _Row, message: str) -> None:
        self.problems.append(RowError(row.line, message))

    def number(self, row: _Row, key: str) -> Decimal | None:
        raw = row.get(key)
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.problem(row, f"{self.header.label(key)} '{raw}' is not a number")
            return None
        return value

    def whole_number(self, row: _Row, key: str) -> int | None:
        raw = row.get(key)
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            self.problem(row, f"{self.header.label(key)} '{raw}' is not a whole number")
            return None

    def flag(self, row: _Row, key: str) -> bool | None:
        raw = row.get(key)
        if not raw:
            return None
        if raw.upper() in ("TRUE", "FALSE"):
            return raw.upper() == "TRUE"
        self.problem(row, f"{self.header.label(key)} '{raw}' is not TRUE or FALSE")
        return None

    def parse(self) -> _ProductDraft | None:
        first, handle = self.first, self.handle
        if not handle:
            self.problem(first, f"{self.header.label('handle')} is empty")
            return None
        title = first.get("title")
        if not title:
            if not any(cell.strip() for cell in first.cells if cell.strip() != handle):
                self.problem(first, f"row has only a Handle ('{handle}') and belongs to no product")
            else:
                self.problem(
                    first,
                    f"{self.header.label('title')} is empty, but the first row of product "
                    f"'{handle}' must carry the product's title",
                )
            return None
        if self.flag(first, "gift_card"):
            self.problem(first, "Gift Card is TRUE: gift cards are not catalog products")
        published = self.flag(first, "published")
        status = self.status(published is not False)
        option_names = self.option_names()
        if option_names is None:
            return None
        draft = _ProductDraft(
            handle=handle,
            line=first.line,
            title=title,
            body=first.get("body"),
            vendor=first.get("vendor"),
            product_type=first.get("type"),
            category_path=tuple(p.strip() for p in first.get("category").split(">") if p.strip()),
            tags=list(dict.fromkeys(t.strip() for t in first.get("tags").split(",") if t.strip())),
            published=published is not False,
            status=status,
            option_names=option_names,
            hs_code="",
            origin="",
            field_lines={},
            variants=[],
            images=[],
        )
        self.customs(draft)
        self.variants_and_images(draft)
        return None if self.problems else draft

    def status(self, published: bool) -> str:
        raw = self.first.get("status").lower()
        if raw in Product.Status.values:
            return raw
        if raw:
            choices = ", ".join(Product.Status.values)
            self.problem(self.first, f"Status '{raw}' is not one of {choices}")
        return Product.Status.ACTIVE if published else Product.Status.DRAFT

    def option_names(self) -> list[str] | None:
        """The product's option names, [] for a Default Title product; None if they have
        a gap, which would shift every option value that follows."""
        first = self.first
        names = [first.get(f"option{i}_name") for i in _OPTION_SLOTS]
        if (names[0], first.get("option1_value")) in {("", _DEFAULT_OPTION[1]), _DEFAULT_OPTION}:
            names[0] = ""
            if not any(names):
                return []
        for i, name in zip(_OPTION_SLOTS, names, strict=True):
            if not name and any(names[i:]):
                later = next(n for n in names[i:] if n)
                self.problem(first, f"Option{i} Name is empty but a later option is '{later}'")
                return None
        return [n for n in names if n]

    def customs(self, draft: _ProductDraft) -> None:
        """One HS code and origin per product: variants may repeat them, not contradict."""
        for key, attr in (("hs_code", "hs_code"), ("origin", "origin")):
            for row in self.rows:
                raw = row.get(key)
                value = raw.replace(".", "").replace(" ", "") if key == "hs_code" else raw.upper()
                if not value:
                    continue
                if not getattr(draft, attr):
                    setattr(draft, attr, value)
                    draft.field_lines[key] = row.line
                elif value != getattr(draft, attr):
                    self.problem(
                        row,
                        f"{self.header.label(key)} '{raw}' differs from the product's "
                        f"'{getattr(draft, attr)}' on line {draft.field_lines[key]}; "
                        "a product has one",
                    )

    def variants_and_images(self, draft: _ProductDraft) -> None:
        seen_skus: dict[str, int] = {}
        seen_options: dict[tuple[str, ...], int] = {}
        seen_images: set[str] = set()
        for row in self.rows:
            is_variant = row.has_any(_VARIANT_KEYS)
            if row is not self.first:
                self.check_repeated_names(row, draft)
            if is_variant:
                variant = self.variant(row, draft)
                if variant is not None:
                    key = tuple(variant.options.values())
                    if variant.sku in seen_skus:
                        self.problem(
                            row,
                            f"{self.header.label('sku')} '{variant.sku}' is repeated "
                            f"(first on line {seen_skus[variant.sku]})",
                        )
                    elif key in seen_options:
                        values = " / ".join(key) or _DEFAULT_OPTION[1]
                        self.problem(
                            row,
                            f"option values '{values}' are repeated "
                            f"(first on line {seen_options[key]})",
                        )
                    if variant.sku:
                        seen_skus.setdefault(variant.sku, row.line)
                    seen_options.setdefault(key, row.line)
                    draft.variants.append(variant)
            before = len(self.problems)
            image = self.image(row, len(draft.images))
            if image is not None and image.url not in seen_images:
                seen_images.add(image.url)
                draft.images.append(image)
            if (
                not is_variant
                and image is None
                and row is not self.first
                and len(self.problems) == before
            ):
                self.problem(row, f"row of product '{draft.handle}' has no variant or image data")
        for variant in draft.variants:
            if variant.image_url and variant.image_url not in seen_images:
                seen_images.add(variant.image_url)
                position = len(draft.images)
                draft.images.append(_ImageDraft(variant.line, variant.image_url, position, ""))
        if not draft.variants and not self.problems:
            self.problem(
                self.first,
                f"product '{draft.handle}' has no variant: give at least a "
                f"{self.header.label('price')}",
            )

    def check_repeated_names(self, row: _Row, draft: _ProductDraft) -> None:
        for i in _OPTION_SLOTS:
            name = row.get(f"option{i}_name")
            if not name:
                continue
            declared = draft.option_names[i - 1] if i <= len(draft.option_names) else ""
            if name != declared and not (declared == "" and (name, i) == (_DEFAULT_OPTION[0], 1)):
                self.problem(
                    row,
                    f"Option{i} Name '{name}' differs from '{declared}' on the product's "
                    f"first row (line {draft.line})",
                )

    def variant(self, row: _Row, draft: _ProductDraft) -> _VariantDraft | None:
        before = len(self.problems)
        options: dict[str, str] = {}
        for i in _OPTION_SLOTS:
            value = row.get(f"option{i}_value")
            if i <= len(draft.option_names):
                name = draft.option_names[i - 1]
                if value:
                    options[name] = value
                else:
                    self.problem(
                        row,
                        f"Option{i} Value is empty; product '{draft.handle}' has option '{name}'",
                    )
            elif value and not (i == 1 and value == _DEFAULT_OPTION[1]):
                self.problem(
                    row,
                    f"Option{i} Value '{value}' has no Option{i} Name on the product's "
                    f"first row (line {draft.line})",
                )
        price = self.number(row, "price")
        if price is None and not row.get("price"):
            self.problem(row, f"{self.header.label('price')} is empty")
        compare_at = self.number(row, "compare_at")
        grams = self.number(row, "grams")
        unit = row.get("weight_unit")
        if unit and unit.lower() not in _WEIGHT_UNITS:
            self.problem(
                row,
                f"{self.header.label('weight_unit')} '{unit}' is not one of "
                f"{', '.join(_WEIGHT_UNITS)}",
            )
        taxable = self.flag(row, "taxable")
        if len(self.problems) > before or price is None:
            return None
        return _VariantDraft(
            line=row.line,
            sku=row.get("sku"),
            options=options,
            price=price,
            compare_at=compare_at,
            grams=None if grams is None else int(grams.to_integral_value(ROUND_HALF_UP)),
            barcode=row.get("barcode"),
            taxable=taxable,
            image_url=row.get("variant_image"),
        )

    def image(self, row: _Row, next_position: int) -> _ImageDraft | None:
        url = row.get("image_src")
        if not url:
            for key in ("image_position", "image_alt"):
                if row.get(key):
                    self.problem(
                        row,
                        f"{self.header.label(key)} '{row.get(key)}' needs an "
                        f"{self.header.label('image_src')} on the same row",
                    )
            return None
        position = self.whole_number(row, "image_position")
        if position is not None and position < 1:
            self.problem(row, f"{self.header.label('image_position')} '{position}' is below 1")
        # Shopify counts images from 1; the catalog, like its lists, from 0.
        index = next_position if position is None else position - 1
        return _ImageDraft(row.line, url, index, row.get("image_alt"))


# --- writing -----------------------------------------------------------------------------


@dataclass
class _Plan:
    """A draft matched against what the database already holds."""

    draft: _ProductDraft
    product: Product
    is_new: bool
    variants: list[tuple[_VariantDraft, Variant, bool]]  # (row, instance, is new)
    images: dict[str, tuple[ProductImage, bool]]  # by URL: (instance, is new)


def _snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values by attname (a foreign key's id), to tell whether an update changed it."""
    return {name: getattr(obj, cast(Field, obj._meta.get_field(name)).attname) for name in fields}


def _format_errors(
    exc: ValidationError,
    obj: models.Model,
    keys: dict[str, str],
    header: _Header,
    line: int,
    lines: dict[str, int] | None = None,
) -> list[RowError]:
    found: list[RowError] = []
    for name, messages in exc.message_dict.items():
        key = keys.get(name)
        label = header.label(key) if key else name.replace("_", " ")
        value = getattr(obj, name, None) if name != NON_FIELD_ERRORS else None
        shown = f"{label} '{value}'" if isinstance(value, str | int | Decimal) else label
        at = (lines or {}).get(key or "", line)
        found.extend(RowError(at, f"{shown}: {message}") for message in messages)
    return found


def _generated_sku(handle: str, options: dict[str, str]) -> str:
    base = slugify(" ".join([handle, *options.values()])).upper() or "SKU"
    if len(base) <= _SKU_MAX:
        return base
    digest = hashlib.sha1(base.encode(), usedforsecurity=False).hexdigest()[:8].upper()
    return f"{base[: _SKU_MAX - 9]}-{digest}"


class _Importer:
    def __init__(self, header: _Header, publish_to_all: bool, report: ImportReport) -> None:
        self.header = header
        self.publish_to_all = publish_to_all
        self.report = report
        self.currency = settings.TRADEWIND_BASE_CURRENCY
        self.markets: list[Market] | None = None
        self.categories: dict[tuple[str, ...], Category] = {}
        self.claimed_skus: dict[str, tuple[str, int]] = {}
        self.handles: dict[str, int] = {}

    def fail(self, problems: Iterable[RowError]) -> None:
        self.report.failed += 1
        self.report.errors.extend(problems)

    def parse(self, rows: list[_Row]) -> _ProductDraft | None:
        handle = rows[0].get("handle")
        if handle in self.handles:
            message = (
                f"rows of product '{handle}' must follow each other; it started on "
                f"line {self.handles[handle]}"
            )
            self.fail([RowError(rows[0].line, message)])
            return None
        if handle:
            self.handles[handle] = rows[0].line
        parser = _Parser(rows)
        draft = parser.parse()
        if draft is None:
            self.fail(parser.problems)
        return draft

    def import_chunk(self, drafts: list[_ProductDraft]) -> None:
        """Save a chunk of products, each in its own savepoint."""
        if not drafts:
            return
        existing = {
            p.handle: p for p in Product.objects.filter(handle__in=[d.handle for d in drafts])
        }
        variants: dict[int, list[Variant]] = defaultdict(list)
        images: dict[int, list[ProductImage]] = defaultdict(list)
        if existing:
            ids = [p.pk for p in existing.values()]
            for variant in Variant.objects.filter(product_id__in=ids).order_by("position", "id"):
                variants[variant.product_id].append(variant)
            for image in ProductImage.objects.filter(product_id__in=ids):
                images[image.product_id].append(image)
        skus = {v.sku for d in drafts for v in d.variants if v.sku}
        owners = dict(Variant.objects.filter(sku__in=skus).values_list("sku", "product__handle"))
        plans = []
        for draft in drafts:
            product = existing.get(draft.handle)
            plan = self.plan(
                draft,
                product,
                variants[product.pk] if product else [],
                images[product.pk] if product else [],
                owners,
            )
            if plan is not None:
                plans.append(plan)
        self.name_unnamed_variants(plans)
        # One transaction per chunk (a savepoint per product inside) commits and reindexes
        # search once per chunk rather than once per product.
        with transaction.atomic():
            touched = [pid for plan in plans if (pid := self.save(plan)) is not None]
            products_changed(touched)

    def plan(
        self,
        draft: _ProductDraft,
        product: Product | None,
        existing_variants: list[Variant],
        existing_images: list[ProductImage],
        owners: dict[str, str],
    ) -> _Plan | None:
        problems = []
        for row in draft.variants:
            if not row.sku:
                continue
            owner = owners.get(row.sku)
            claim = self.claimed_skus.setdefault(row.sku, (draft.handle, row.line))
            if owner is not None and owner != draft.handle:
                problems.append(
                    RowError(
                        row.line,
                        f"{self.header.label('sku')} '{row.sku}' already belongs to product "
                        f"'{owner}'",
                    )
                )
            elif claim[0] != draft.handle:
                problems.append(
                    RowError(
                        row.line,
                        f"{self.header.label('sku')} '{row.sku}' is already used by product "
                        f"'{claim[0]}' (line {claim[1]})",
                    )
                )
        if problems:
            self.fail(problems)
            return None
        is_new = product is None
        product = product or Product(handle=draft.handle)
        by_sku = {v.sku: v for v in existing_variants}
        by_options = {tuple(sorted(v.options.items())): v for v in existing_variants}
        matched: dict[int, Variant] = {}
        taken: set[int] = set()
        # SKUs first, so a row matched by its options cannot steal another row's variant.
        for index, row in enumerate(draft.variants):
            found = by_sku.get(row.sku) if row.sku else None
            if found is not None:
                matched[index] = found
                taken.add(found.pk)
        for index, row in enumerate(draft.variants):
            if index in matched:
                continue
            found = by_options.get(tuple(sorted(row.options.items())))
            if found is not None and found.pk not in taken:
                matched[index] = found
                taken.add(found.pk)
        pairs = []
        for index, row in enumerate(draft.variants):
            found = matched.get(index)
            if found is not None:
                pairs.append((row, found, False))
            else:
                pairs.append((row, Variant(product=product, sku=row.sku), True))
        by_url = {image.source_url: image for image in existing_images if image.source_url}
        planned_images = {}
        for image_row in draft.images:
            old = by_url.get(image_row.url)
            if old is not None:
                planned_images[image_row.url] = (old, False)
            else:
                planned_images[image_row.url] = (
                    ProductImage(product=product, source_url=image_row.url),
                    True,
                )
        return _Plan(draft, product, is_new, pairs, planned_images)

    def name_unnamed_variants(self, plans: list[_Plan]) -> None:
        """Give new variants that have no SKU in the file one made of handle and options."""
        wanted = [
            (plan.draft.handle, row.line, variant, _generated_sku(plan.draft.handle, row.options))
            for plan in plans
            for row, variant, is_new in plan.variants
            if is_new and not row.sku
        ]
        if not wanted:
            return
        bases = [base for *_, base in wanted]
        taken = set(Variant.objects.filter(sku__in=bases).values_list("sku", flat=True))
        for handle, line, variant, base in wanted:
            sku, counter = base, 1
            while sku in taken or sku in self.claimed_skus:
                counter += 1
                suffix = f"-{counter}"
                sku = base[: _SKU_MAX - len(suffix)] + suffix
                if Variant.objects.filter(sku=sku).exists():
                    taken.add(sku)
            variant.sku = sku
            self.claimed_skus[sku] = (handle, line)

    def apply(self, plan: _Plan) -> list[RowError]:
        """Copy the draft onto the instances and validate them; returns the problems."""
        draft, product, header = plan.draft, plan.product, self.header
        present = header.index
        product.name = draft.title
        for key, attr, value in (
            ("body", "description", draft.body),
            ("vendor", "vendor", draft.vendor),
            ("type", "product_type", draft.product_type),
            ("tags", "tags", draft.tags),
            ("hs_code", "hs_code", draft.hs_code),
            ("origin", "origin_country", draft.origin),
        ):
            if key in present:
                setattr(product, attr, value)
        product.option_names = draft.option_names
        if plan.is_new or "status" in present:
            product.status = draft.status
        taxable = [row.taxable for row in draft.variants if row.taxable is not None]
        if taxable and not any(taxable):
            product.tax_class = TaxClass.EXEMPT
        elif any(taxable) and product.tax_class == TaxClass.EXEMPT:
            product.tax_class = TaxClass.STANDARD
        problems = []
        try:
            product.full_clean(exclude=["category"], validate_unique=False)
        except ValidationError as exc:
            problems += _format_errors(
                exc, product, _PRODUCT_FIELD_KEYS, header, draft.line, draft.field_lines
            )
        for position, (row, variant, _) in enumerate(plan.variants):
            variant.product = product
            if row.sku:
                variant.sku = row.sku
            variant.options = row.options
            variant.price_amount = row.price
            variant.price_currency = self.currency
            if "compare_at" in present:
                variant.compare_at_amount = row.compare_at
            if "grams" in present:
                variant.weight_grams = row.grams
            if "barcode" in present:
                variant.barcode = row.barcode
            variant.position = position
            try:
                variant.full_clean(exclude=["product"], validate_unique=False)
            except ValidationError as exc:
                problems += _format_errors(exc, variant, _VARIANT_FIELD_KEYS, header, row.line)
        variant_for_url: dict[str, Variant] = {}
        for row, variant, _ in plan.variants:
            if row.image_url:
                variant_for_url.setdefault(row.image_url, variant)
        for image_row in plan.draft.images:
            image, _ = plan.images[image_row.url]
            if "image_alt" in present:
                image.alt = image_row.alt
            image.position = image_row.position
            if "variant_image" in present:
                image.variant = variant_for_url.get(image_row.url)
            try:
                image.full_clean(exclude=["product", "variant"], validate_unique=False)
            except ValidationError as exc:
                problems += _format_errors(exc, image, _IMAGE_FIELD_KEYS, header, image_row.line)
        return problems

    def save(self, plan: _Plan) -> int | None:
        draft, product = plan.draft, plan.product
        product_before = {} if plan.is_new else _snapshot(product, _PRODUCT_UPDATE_FIELDS)
        variants_before = {
            id(v): _snapshot(v, _VARIANT_UPDATE_FIELDS) for _, v, new in plan.variants if not new
        }
        images_before = {
            id(i): _snapshot(i, _IMAGE_UPDATE_FIELDS) for i, new in plan.images.values() if not new
        }
        problems = self.apply(plan)
        if problems:
            self.fail(problems)
            return None
        categories_before = dict(self.categories)
        try:
            with transaction.atomic():
                if "category" in self.header:
                    product.category = self.category(draft.category_path)
                changed = (
                    plan.is_new or _snapshot(product, _PRODUCT_UPDATE_FIELDS) != product_before
                )
                if plan.is_new:
                    product.save()
                elif changed:
                    product.save(update_fields=[*_PRODUCT_UPDATE_FIELDS, "updated_at"])
                new_variants = [v for _, v, new in plan.variants if new]
                changed_variants = [
                    v
                    for _, v, new in plan.variants
                    if not new and _snapshot(v, _VARIANT_UPDATE_FIELDS) != variants_before[id(v)]
                ]
                Variant.objects.bulk_create(new_variants)
                Variant.objects.bulk_update(changed_variants, _VARIANT_UPDATE_FIELDS)
                new_images = [i for i, new in plan.images.values() if new]
                changed_images = [
                    i
                    for i, new in plan.images.values()
                    if not new and _snapshot(i, _IMAGE_UPDATE_FIELDS) != images_before[id(i)]
                ]
                ProductImage.objects.bulk_create(new_images)
                ProductImage.objects.bulk_update(changed_images, _IMAGE_UPDATE_FIELDS)
                published = self.publish(plan)
        except ValidationError as exc:
            self.categories = categories_before
            self.fail(RowError(draft.line, message) for message in exc.messages)
            return None
        except DatabaseError as exc:
            # What validation cannot see, such as another writer taking the SKU meanwhile.
            self.categories = categories_before
            reason = str(exc).splitlines()[0]
            self.fail([RowError(draft.line, f"product '{draft.handle}' was not saved: {reason}")])
            return None
        report = self.report
        report.variants_created += len(new_variants)
        report.variants_updated += len(changed_variants)
        report.images_created += len(new_images)
        report.published += published
        if plan.is_new:
            report.created += 1
        elif changed or changed_variants or changed_images or new_variants or new_images:
            report.updated += 1
        else:
            report.unchanged += 1
            return None
        return product.pk

    def publish(self, plan: _Plan) -> int:
        product = plan.product
        if not (
            self.publish_to_all
            and plan.is_new
            and plan.draft.published
            and product.status == Product.Status.ACTIVE
        ):
            return 0
        if self.markets is None:
            self.markets = list(Market.objects.filter(is_active=True))
        Publication.objects.bulk_create(
            [Publication(product=product, market=market) for market in self.markets]
        )
        return 1 if self.markets else 0

    def category(self, path: tuple[str, ...]) -> Category | None:
        """The category at ``path`` (names from the root), made if missing."""
        parent: Category | None = None
        for depth in range(1, len(path) + 1):
            known = self.categories.get(path[:depth])
            if known is None:
                name = path[depth - 1]
                known = Category.objects.filter(parent=parent, name=name).first()
                if known is None:
                    known = Category(
                        parent=parent, name=name, slug=self.category_slug(path[:depth])
                    )
                    try:
                        known.full_clean(exclude=["parent"], validate_unique=False)
                    except ValidationError as exc:
                        label = self.header.label("category")
                        raise ValidationError(
                            [f"{label} '{name}': {message}" for message in exc.messages]
                        ) from exc
                    known.save()
                self.categories[path[:depth]] = known
            parent = known
        return parent

    @staticmethod
    def category_slug(path: tuple[str, ...]) -> str:
        max_length = Category._meta.get_field("slug").max_length or 50
        base = slugify(path[-1]) or "category"
        for candidate in (base, slugify(" ".join(path))):
            candidate = candidate[:max_length]
            if candidate and not Category.objects.filter(slug=candidate).exists():
                return candidate
        digest = hashlib.sha1(">".join(path).encode(), usedforsecurity=False).hexdigest()[:8]
        return f"{base[: max_length - 9]}-{digest}"


def import_shopify_products(
    handle: IO[str] | IO[bytes],
    *,
    publish_to_all: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a Shopify product CSV; see the module documentation for the rules.

    Raises :class:`ShopifyCsvError` for a file that cannot be imported at all. Row
    problems are in the returned report's ``errors``. ``progress`` is called with
    (rows done, rows in the file) after each chunk of products.
    """
    text = _read_text(handle)
    if not text.strip():
        raise ShopifyCsvError("the file is empty")
    delimiter = _delimiter(text)
    # A first pass finds malformed CSV before anything is written, and counts rows.
    total = sum(1 for _ in _records(text, delimiter)) - 1
    records = _records(text, delimiter)
    _, header_cells = next(records)
    header = _Header(header_cells)
    report = ImportReport()
    importer = _Importer(header, publish_to_all, report)
    chunk: list[_ProductDraft] = []
    done = 0
    for rows in _groups(_Row(line, cells, header) for line, cells in records):
        done += len(rows)
        draft = importer.parse(rows)
        if draft is not None:
            chunk.append(draft)
        if len(chunk) >= _PRODUCTS_PER_CHUNK:
            importer.import_chunk(chunk)
            chunk = []
            if progress is not None:
                progress(done, total)
    importer.import_chunk(chunk)
    if progress is not None:
        progress(done, total)
    report.errors.sort(key=lambda problem: problem.line)
    return report


# --- export ------------------------------------------------------------------------------


def _amount(value: Decimal, currency: str) -> str:
    rounded = quantize(value, currency)
    return str(rounded if rounded == value else value.normalize())


def _image_url(image: ProductImage) -> str:
    return image.source_url or (image.image.url if image.image else "")


def _category_paths() -> dict[int, str]:
    categories = {c.pk: c for c in Category.objects.only("id", "name", "parent_id")}
    paths: dict[int, str] = {}
    for pk, category in categories.items():
        names, seen = [], set()
        node: Category | None = category
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = categories.get(node.parent_id) if node.parent_id else None
        paths[pk] = " > ".join(reversed(names))
    return paths


def _product_rows(
    product: Product, categories: dict[int, str], price: Callable[[Variant], Decimal]
) -> Iterator[list[str]]:
    currency = settings.TRADEWIND_BASE_CURRENCY
    variants = list(product.variants.all())
    images = list(product.images.all())
    image_of: dict[int, ProductImage] = {}
    for image in images:
        if image.variant_id is not None:
            image_of.setdefault(image.variant_id, image)
    names = list(product.option_names)
    taxable = "FALSE" if product.tax_class == TaxClass.EXEMPT else "TRUE"
    for index in range(max(len(variants), len(images), 1)):
        row = dict.fromkeys(EXPORT_COLUMNS, "")
        row["Handle"] = product.handle
        if index == 0:
            row.update(
                {
                    "Title": product.name,
                    "Body (HTML)": product.description,
                    "Vendor": product.vendor,
                    "Product Category": categories.get(product.category_id or 0, ""),
                    "Type": product.product_type,
                    "Tags": ", ".join(product.tags),
                    "Published": "TRUE" if getattr(product, "is_published", False) else "FALSE",
                    "Gift Card": "FALSE",
                    "Status": product.status,
                }
            )
            for i, name in enumerate(names or [_DEFAULT_OPTION[0]], start=1):
                row[f"Option{i} Name"] = name
        if index < len(variants):
            variant = variants[index]
            if names:
                for i, name in enumerate(names, start=1):
                    row[f"Option{i} Value"] = variant.options.get(name, "")
            else:
                row["Option1 Value"] = _DEFAULT_OPTION[1]
            weight = variant.weight_grams
            if weight is None:
                weight = product.weight_grams
            compare_at = variant.compare_at_amount
            variant_image = image_of.get(variant.pk)
            row.update(
                {
                    "Variant SKU": variant.sku,
                    "Variant Grams": "" if weight is None else str(weight),
                    "Variant Inventory Policy": "deny",
                    "Variant Fulfillment Service": "manual",
                    "Variant Price": _amount(price(variant), currency),
                    "Variant Compare At Price": (
                        "" if compare_at is None else _amount(compare_at, currency)
                    ),
                    "Variant Requires Shipping": "TRUE",
                    "Variant Taxable": taxable,
                    "Variant Barcode": variant.barcode,
                    "Variant Image": _image_url(variant_image) if variant_image else "",
                    "Variant Weight Unit": "g",
                    "Variant HS Code": product.hs_code,
                    "Variant Country of Origin": product.origin_country,
                }
            )
        if index < len(images):
            image = images[index]
            row["Image Src"] = _image_url(image)
            row["Image Position"] = str(index + 1)
            row["Image Alt Text"] = image.alt
        yield [row[column] for column in EXPORT_COLUMNS]


def export_shopify_products(handle: IO[str]) -> int:
    """Write every product as Shopify product CSV, in the base language; returns how many.

    Products are read in chunks with their variants and images prefetched, so memory
    stays flat however large the catalog is.
    """
    currency = settings.TRADEWIND_BASE_CURRENCY
    rates: dict[str, Decimal] = {}

    def price(variant: Variant) -> Decimal:
        # A price kept in another currency is written converted, as the file has one.
        if variant.price_currency == currency:
            return variant.price_amount
        if variant.price_currency not in rates:
            from tradewind.markets.services import fx_table

            rates[variant.price_currency] = fx_table().rate(variant.price_currency, currency)
        return quantize(variant.price_amount * rates[variant.price_currency], currency)

    categories = _category_paths()
    products = (
        Product.objects.order_by("id")
        .annotate(is_published=Exists(Publication.objects.filter(product=OuterRef("pk"))))
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
        )
    )
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for product in products.iterator(chunk_size=500):
        writer.writerows(_product_rows(product, categories, price))
        count += 1
    return count
