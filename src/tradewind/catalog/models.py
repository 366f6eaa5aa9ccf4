"""The catalog: products, their variants (SKUs), categories, collections, images and
translations, with the customs data (HS code, origin, weight) cross-border selling needs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from tradewind.markets.models import Market
from tradewind.markets.validators import validate_country, validate_currency, validate_language

hs_code_validator = RegexValidator(
    r"^\d{6}(\d{2}){0,2}$", "An HS code has 6, 8 or 10 digits, without dots."
)


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
    tags = models.JSONField(default=list, blank=True)
    option_names = models.JSONField(
        default=list, blank=True, help_text="Up to three option names, e.g. ['Size', 'Colour']."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tax_class = models.CharField(max_length=10, choices=TaxClass.choices, default=TaxClass.STANDARD)
    hs_code = models.CharField(max_length=10, blank=True, validators=[hs_code_validator])
    origin_country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
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
    sku = models.CharField(max_length=64, unique=True)
    barcode = models.CharField(max_length=32, blank=True, help_text="GTIN / EAN / UPC.")
    options = models.JSONField(
        default=dict, blank=True, help_text="Option values by name, e.g. {'Size': 'M'}."
    )
    price_amount = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    price_currency = models.CharField(
        max_length=3, default=settings.TRADEWIND_BASE_CURRENCY, validators=[validate_currency]
    )
    compare_at_amount = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    weight_grams = models.PositiveIntegerField(
        null=True, blank=True, help_text="Overrides the product's weight."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "position", "id"]

    def __str__(self) -> str:
        return self.sku


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
        max_length=500, blank=True, help_text="Where an imported image came from."
    )
    alt = models.CharField(max_length=255, blank=True)
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
