"""The catalog: products, their variants (SKUs), categories, collections, images and
translations, with the customs data (HS code, origin, weight) cross-border selling needs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from stdnum import ean

from tradewind.catalog import images
from tradewind.markets.models import Market
from tradewind.markets.validators import validate_country, validate_currency, validate_language

hs_code_validator = RegexValidator(
    r"^\d{6}(\d{2}){0,2}$", "An HS code has 6, 8 or 10 digits, without dots."
)

MAX_OPTIONS = 3


def option_names_errors(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        return ["Give a list of option names, e.g. ['Size', 'Colour']."]
    problems = []
    if len(value) > MAX_OPTIONS:
        problems.append(f"A product has at most {MAX_OPTIONS} options, not {len(value)}.")
    if any(not n.strip() for n in value):
        problems.append("Option names must not be empty.")
    if len({n.strip().casefold() for n in value}) != len(value):
        problems.append("Option names must differ from each other.")
    return problems


def variant_options_errors(options: Any, option_names: list[str]) -> list[str]:
    if not isinstance(options, dict):
        return ["Give the option values as an object, e.g. {'Size': 'M'}."]
    expected, given = set(option_names), set(options)
    problems = []
    if given - expected:
        unknown = ", ".join(sorted(map(str, given - expected)))
        declared = ", ".join(option_names) or "none"
        problems.append(f"Unknown options {unknown}; the product's options are: {declared}.")
    if expected - given:
        problems.append(f"Missing a value for {', '.join(sorted(expected - given))}.")
    if any(not isinstance(v, str) or not v.strip() for v in options.values()):
        problems.append("Option values must be non-empty text.")
    return problems


def barcode_error(barcode: str) -> str | None:
    if ean.is_valid(barcode):
        return None
    return f"'{barcode}' is not a valid GTIN-8, -12, -13 or -14 (check the digits)."


class TaxClass(models.TextChoices):
    STANDARD = "standard", "Standard rate"
    REDUCED = "reduced", "Reduced rate"
    ZERO = "zero", "Zero rate"
    EXEMPT = "exempt", "Exempt"


class Category(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "A category cannot sit under itself or one of its subcategories."}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class CategoryTranslation(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, validators=[validate_language])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="category_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]"


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    handle = models.SlugField(max_length=200, unique=True, help_text="URL handle, as in Shopify.")
    name = models.CharField(max_length=255, help_text="In the store's default language.")
    description = models.TextField(blank=True)
    vendor = models.CharField(max_length=120, blank=True)
    product_type = models.CharField(max_length=120, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    tags = models.JSONField(default=list, blank=True, help_text="For example Summer, Linen.")
    option_names = models.JSONField(
        default=list,
        blank=True,
        help_text="What the variants differ in, up to three, e.g. Size, Colour.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tax_class = models.CharField(max_length=10, choices=TaxClass.choices, default=TaxClass.STANDARD)
    hs_code = models.CharField(
        "HS code",
        max_length=10,
        blank=True,
        validators=[hs_code_validator],
        help_text="The customs tariff number: 6, 8 or 10 digits.",
    )
    origin_country = models.CharField(
        "country of origin",
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text="Where it was made, as a two-letter code such as PT.",
    )
    weight_grams = models.PositiveIntegerField("weight (g)", null=True, blank=True)
    length_mm = models.PositiveIntegerField("length (mm)", null=True, blank=True)
    width_mm = models.PositiveIntegerField("width (mm)", null=True, blank=True)
    height_mm = models.PositiveIntegerField("height (mm)", null=True, blank=True)
    markets = models.ManyToManyField(
        Market, through="Publication", related_name="products", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.origin_country = self.origin_country.strip().upper()
        if isinstance(self.option_names, list):
            self.option_names = [n.strip() if isinstance(n, str) else n for n in self.option_names]
        problems = option_names_errors(self.option_names)
        if problems:
            raise ValidationError({"option_names": problems})


class ProductTranslation(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, validators=[validate_language])
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "language"], name="product_translation_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]"


class Publication(models.Model):
    """A product offered in a market; unpublished products are invisible there."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="publications")
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "market"], name="publication_once")
        ]

    def __str__(self) -> str:
        return f"{self.product} in {self.market}"


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64, unique=True)
    barcode = models.CharField(max_length=32, blank=True, help_text="GTIN / EAN / UPC.")
    options = models.JSONField(
        "option values",
        default=dict,
        blank=True,
        help_text=(
            "The values of the product's options in the order of its option names, "
            "separated by '/', e.g. M / Navy for Size, Colour."
        ),
    )
    price_amount = models.DecimalField(
        "price", max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    price_currency = models.CharField(
        "currency",
        max_length=3,
        default=settings.TRADEWIND_BASE_CURRENCY,
        validators=[validate_currency],
    )
    compare_at_amount = models.DecimalField(
        "compare-at price",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    weight_grams = models.PositiveIntegerField(
        "weight (g)", null=True, blank=True, help_text="Overrides the product's weight."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "position", "id"]

    def __str__(self) -> str:
        return self.sku

    def clean(self) -> None:
        super().clean()
        self.sku = self.sku.strip()
        self.barcode = self.barcode.strip()
        self.price_currency = self.price_currency.upper()
        errors: dict[str, list[str]] = {}
        if self.barcode and (problem := barcode_error(self.barcode)):
            errors["barcode"] = [problem]
        if (
            self.compare_at_amount is not None
            and self.price_amount is not None
            and self.compare_at_amount < self.price_amount
        ):
            errors["compare_at_amount"] = ["A compare-at price must not be below the price."]
        try:
            names = self.product.option_names
        except Product.DoesNotExist:
            names = None  # the product is checked on its own field
        if isinstance(names, list) and (problems := variant_options_errors(self.options, names)):
            errors["options"] = problems
        if errors:
            raise ValidationError(errors)


class Collection(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    products = models.ManyToManyField(Product, related_name="collections", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CollectionTranslation(models.Model):
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=10, validators=[validate_language])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "language"], name="collection_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    image = models.ImageField(upload_to="products/", blank=True)
    source_url = models.URLField(
        "source URL", max_length=500, blank=True, help_text="Where an imported image came from."
    )
    alt = models.CharField(
        "alt text",
        max_length=255,
        blank=True,
        help_text="What the photo shows, for screen readers.",
    )
    position = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnails = models.JSONField(
        default=dict, blank=True, help_text="Generated WebP thumbnails: {width: path}."
    )

    class Meta:
        ordering = ["product_id", "position", "id"]

    def __str__(self) -> str:
        return self.alt or self.image.name or self.source_url

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A photo whose thumbnails cannot be made is not stored at all.
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.refresh_thumbnails()

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.image and not images.thumbnails_current(self.image.name or "", self.thumbnails):
            try:
                images.validate_image(self.image)
            except ValidationError as exc:
                errors["image"] = exc.messages
        if not self.image and not self.source_url:
            errors["image"] = ["Upload a photo or give the URL it comes from."]
        if self.variant is not None and self.variant.product_id != self.product_id:
            errors["variant"] = ["The variant belongs to another product."]
        if errors:
            raise ValidationError(errors)

    def refresh_thumbnails(self) -> None:
        """Render thumbnails unless the ones on record belong to the current photo."""
        name = self.image.name or ""
        if images.thumbnails_current(name, self.thumbnails):
            return
        storage = self.image.storage
        stale = set(self.thumbnails.values())
        if self.image:
            try:
                rendition = images.render_thumbnails(name, storage)
            except ValidationError as exc:
                raise ValidationError({"image": exc.messages}) from exc
            except OSError as exc:
                raise ValidationError(
                    {"image": f"The photo file {name} cannot be read: {exc}"}
                ) from exc
            self.width, self.height = rendition.width, rendition.height
            self.thumbnails = rendition.thumbnails
        else:
            self.width = self.height = None
            self.thumbnails = {}
        images.delete_files(stale - set(self.thumbnails.values()), storage)
        type(self).objects.filter(pk=self.pk).update(
            width=self.width, height=self.height, thumbnails=self.thumbnails
        )

    def thumbnail_url(self, min_width: int = 320) -> str | None:
        path = images.best_thumbnail(self.thumbnails, min_width)
        return self.image.storage.url(path) if path else None


class SearchDocument(models.Model):
    """What product search matches: a product's text in one language, already folded into
    tokens by :mod:`tradewind.catalog.textsearch`.

    Rows are rebuilt by :func:`tradewind.catalog.search.reindex_products`; the database's
    own full-text index over them (FTS5 on SQLite, a tsvector with GIN on PostgreSQL) is
    created by this app's migrations and kept in step by the database itself.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="search_documents")
    language = models.CharField(max_length=10)
    name = models.TextField()
    body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "language"], name="search_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} [{self.language}]"
