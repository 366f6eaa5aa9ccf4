"""Builders shared by the catalog's tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tradewind.catalog import services
from tradewind.catalog.models import Product
from tradewind.catalog.services import ProductInput, TranslationInput, VariantInput
from tradewind.markets.models import Market

MakeProduct = Callable[..., Product]


@pytest.fixture
def make_product(db: Any) -> MakeProduct:
    """Create a product through the use case; keyword arguments go to ProductInput."""

    def make(
        handle: str = "trail-sneakers",
        name: str = "Trail Sneakers",
        *,
        skus: tuple[str, ...] | None = None,
        translations: dict[str, tuple[str, str]] | None = None,
        **fields: Any,
    ) -> Product:
        variants = [
            VariantInput(sku=sku, price_amount=Decimal("50.00"))
            for sku in (skus or (f"{handle.upper()}-1",))
        ]
        return services.create_product(
            ProductInput(
                handle=handle,
                name=name,
                variants=fields.pop("variants", variants),
                translations={
                    lang: TranslationInput(*text) for lang, text in (translations or {}).items()
                },
                **fields,
            )
        )

    return make


@pytest.fixture
def make_market(db: Any) -> Callable[..., Market]:
    def make(code: str, currency: str, language: str, **fields: Any) -> Market:
        return Market.objects.create(
            code=code,
            name=fields.pop("name", code.upper()),
            currency=currency,
            default_language=language,
            subfolder=fields.pop("subfolder", f"{language}-{code}"[:5]),
            **fields,
        )

    return make


def image_upload(
    size: tuple[int, int], fmt: str = "JPEG", name: str = "photo.jpg"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
