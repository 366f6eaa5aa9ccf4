"""The catalog admin: every page opens, products show their price in every market, the
inlines validate like the use cases do, and roles limit who may change what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tradewind.catalog import services
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
from tradewind.catalog.search import search_products
from tradewind.core.money import format_money
from tradewind.core.staff import create_staff
from tradewind.markets.models import FxRate
from tradewind.pricing.models import PriceOverride
from tradewind.pricing.services import prices_in_market

from .conftest import MakeProduct, image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db: Any) -> Client:
    client = Client()
    client.force_login(
        create_staff("owner@example.com", "pw-9f8s7d6f", role="Owner", superuser=True)
    )
    return client


@pytest.fixture
def support(db: Any) -> Client:
    client = Client()
    client.force_login(create_staff("help@example.com", "pw-9f8s7d6f", role="Support"))
    return client


@pytest.fixture
def product(make_product: MakeProduct, make_market) -> Product:
    shoes = Category.objects.create(slug="shoes", name="Shoes")
    sneakers = Category.objects.create(slug="sneakers", name="Sneakers", parent=shoes)
    CategoryTranslation.objects.create(category=shoes, language="de", name="Schuhe")
    product = make_product(
        category=sneakers,
        status=Product.Status.ACTIVE,
        translations={"de": ("Trail-Turnschuhe", "")},
    )
    services.publish_product(product, [make_market("de", "EUR", "de", name="Germany")])
    collection = Collection.objects.create(slug="summer", name="Summer")
    collection.products.add(product)
    CollectionTranslation.objects.create(collection=collection, language="fr", name="Été")
    services.add_product_image(product, image_upload((400, 300)), alt="Side")
    return product


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


MODELS = [
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
    Publication,
    Variant,
    Collection,
    CollectionTranslation,
    ProductImage,
    SearchDocument,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_and_change_page_opens(
    staff: Client, product: Product, model: type[Model]
) -> None:
    obj = model._default_manager.first()
    assert obj is not None
    assert staff.get(admin_url(model, "changelist")).status_code == 200
    assert staff.get(admin_url(model, "changelist"), {"q": "trail"}).status_code == 200
    assert staff.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_products_are_found_by_name_handle_sku_and_translated_name(
    staff: Client, product: Product, make_product: MakeProduct
) -> None:
    make_product("wool-hat", "Wool Hat")
    for query in ["Trail", "trail-sneakers", "TRAIL-SNEAKERS-1", "Turnschuhe"]:
        page = staff.get(admin_url(Product, "changelist"), {"q": query}).content.decode()
        assert "Trail Sneakers" in page, query
        assert "Wool Hat" not in page, query


def test_variants_offer_autocomplete_by_sku(staff: Client, product: Product) -> None:
    response = staff.get(
        reverse("admin:autocomplete"),
        {
            "term": "TRAIL-SNEAK",
            "app_label": "pricing",
            "model_name": "priceoverride",
            "field_name": "variant",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["TRAIL-SNEAKERS-1"]


@pytest.mark.parametrize(
    "filters",
    [
        {"status__exact": "active"},
        {"tax_class__exact": "standard"},
        {"origin_country": ""},
        {"markets__id__exact": "1"},
    ],
)
def test_product_filters_apply(staff: Client, product: Product, filters: dict[str, str]) -> None:
    if "markets__id__exact" in filters:
        filters = {"markets__id__exact": str(product.markets.get().pk)}
    assert staff.get(admin_url(Product, "changelist"), filters).status_code == 200


def test_category_list_shows_the_place_in_the_tree(staff: Client, product: Product) -> None:
    page = staff.get(admin_url(Category, "changelist")).content.decode()
    assert "Shoes &gt; Sneakers" in page


def test_a_category_cannot_be_moved_under_its_own_subcategory(staff: Client, product) -> None:
    shoes, sneakers = Category.objects.get(slug="shoes"), Category.objects.get(slug="sneakers")
    response = staff.post(
        admin_url(Category, "change", shoes.pk),
        {
            "name": "Shoes",
            "slug": "shoes",
            "parent": sneakers.pk,
            "position": 0,
            "description": "",
            "translations-TOTAL_FORMS": 0,
            "translations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "cannot sit under itself" in response.content.decode()
    shoes.refresh_from_db()
    assert shoes.parent is None


def test_the_product_page_shows_its_price_in_every_market(
    staff: Client, product: Product, make_market
) -> None:
    FxRate.objects.create(
        currency="USD", rate=Decimal("1.0850"), effective_at=timezone.now() - timedelta(days=1)
    )
    us = make_market("us", "USD", "en", name="United States")
    make_market("jp", "JPY", "ja", name="Japan")
    uk = make_market("uk", "GBP", "en", name="United Kingdom", subfolder="en-gb")
    variant = product.variants.get()
    PriceOverride.objects.create(variant=variant, market=uk, amount=Decimal("45"))

    page = staff.get(admin_url(Product, "change", product.pk)).content.decode()

    assert "Prices in every market" in page
    usd = prices_in_market([variant], us)[variant.pk]
    assert usd.fx_rate is not None
    assert format_money(usd.price, "en") in page
    assert f"Converted at {usd.fx_rate.normalize():f}" in page
    assert "Fixed price for this market" in page  # the UK override, no GBP rate needed
    assert "No FX rate for JPY" in page
    assert "Base price, as entered" in page  # Germany sells in the base currency


def inline_management(**initial: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for prefix in ["variants", "translations", "images", "publications"]:
        data[f"{prefix}-TOTAL_FORMS"] = initial.get(prefix, 0)
        data[f"{prefix}-INITIAL_FORMS"] = 0
    return data


def new_product_form(**variant: Any) -> dict[str, Any]:
    return {
        "name": "Rain Jacket",
        "handle": "rain-jacket",
        "status": "active",
        "description": "Keeps you dry.",
        "tags": "[]",
        "option_names": '["Size"]',
        "tax_class": "standard",
        "hs_code": "",
        "origin_country": "",
        **inline_management(variants=1),
        "variants-0-sku": "RJ-M",
        "variants-0-options": '{"Size": "M"}',
        "variants-0-price_amount": "120",
        "variants-0-price_currency": "EUR",
        "variants-0-barcode": "",
        "variants-0-position": 0,
        **{f"variants-0-{k}": v for k, v in variant.items()},
    }


def test_adding_a_product_with_a_variant_makes_it_searchable(
    staff: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(admin_url(Product, "add"), new_product_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert search_products("rain jack") == [Product.objects.get(handle="rain-jacket").pk]


@pytest.mark.parametrize(
    ("variant", "complaint"),
    [
        ({"options": '{"Colour": "Red"}'}, "Unknown options Colour"),
        ({"barcode": "1234567890123"}, "not a valid GTIN"),
        ({"compare_at_amount": "100"}, "must not be below the price"),
    ],
)
def test_the_variant_inline_refuses_bad_variants(
    staff: Client, variant: dict[str, str], complaint: str
) -> None:
    response = staff.post(admin_url(Product, "add"), new_product_form(**variant))
    assert response.status_code == 200
    assert complaint in response.content.decode()
    assert not Product.objects.exists()


def test_the_product_form_refuses_more_than_three_options(staff: Client) -> None:
    form = new_product_form() | {"option_names": '["A", "B", "C", "D"]'}
    response = staff.post(admin_url(Product, "add"), form)
    assert "at most 3 options" in response.content.decode()


def test_renaming_an_option_requires_updating_the_variants_too(
    staff: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(admin_url(Product, "add"), new_product_form())
    product = Product.objects.get(handle="rain-jacket")
    variant = product.variants.get()
    form = new_product_form() | {
        "option_names": '["Jacket size"]',
        "variants-INITIAL_FORMS": 1,
        "variants-0-id": variant.pk,
        "variants-0-product": product.pk,
    }
    response = staff.post(admin_url(Product, "change", product.pk), form)
    assert "Unknown options Size" in response.content.decode()
    product.refresh_from_db()
    assert product.option_names == ["Size"]


def test_an_uploaded_photo_gets_thumbnails_and_a_preview(staff: Client, product: Product) -> None:
    response = staff.post(
        admin_url(ProductImage, "add"),
        {"product": product.pk, "image": image_upload((900, 600)), "alt": "Top", "position": 1},
    )
    assert response.status_code == 302
    photo = ProductImage.objects.get(alt="Top")
    assert sorted(map(int, photo.thumbnails)) == [160, 320, 640]
    page = staff.get(admin_url(Product, "change", product.pk)).content.decode()
    assert photo.thumbnails["160"] in page


def test_uploading_something_that_is_not_an_image_is_refused(
    staff: Client, product: Product
) -> None:
    response = staff.post(
        admin_url(ProductImage, "add"),
        {"product": product.pk, "image": SimpleUploadedFile("x.jpg", b"text"), "position": 0},
    )
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert ProductImage.objects.count() == 1


def test_support_can_look_but_not_change_products(
    support: Client, staff: Client, product: Product
) -> None:
    change = admin_url(Product, "change", product.pk)
    assert support.get(admin_url(Product, "changelist")).status_code == 200
    assert support.get(change).status_code == 200
    assert support.post(change, new_product_form()).status_code == 403
    assert support.get(admin_url(Product, "add")).status_code == 403
    assert support.post(admin_url(Variant, "delete", product.variants.get().pk)).status_code == 403
    product.refresh_from_db()
    assert product.name == "Trail Sneakers"


def test_nobody_edits_search_documents_by_hand(staff: Client, product: Product) -> None:
    assert staff.get(admin_url(SearchDocument, "add")).status_code == 403


def test_product_list_queries_do_not_grow_with_the_page(
    staff: Client, make_product: MakeProduct, django_assert_max_num_queries
) -> None:
    for i in range(3):
        make_product(f"p-{i}", f"P {i}")
    with django_assert_max_num_queries(12) as few:
        staff.get(admin_url(Product, "changelist"))
    for i in range(3, 30):
        make_product(f"p-{i}", f"P {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(admin_url(Product, "changelist"))
