"""The catalog admin: every page opens, products show their price in every market, the
inlines validate like the use cases do, and roles limit who may change what."""

from __future__ import annotations

import html
import re
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
from tradewind.catalog.services import VariantInput
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
        "tags": "",
        "option_names": "Size",
        "tax_class": "standard",
        "hs_code": "",
        "origin_country": "",
        **inline_management(variants=1),
        "variants-0-sku": "RJ-M",
        "variants-0-options": "M",
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
        ({"options": "Colour: Red"}, "Unknown options Colour"),
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
    form = new_product_form() | {"option_names": "A, B, C, D", "variants-0-options": "1/2/3/4"}
    response = staff.post(admin_url(Product, "add"), form)
    assert response.status_code == 200
    assert product_form(response).errors["option_names"] == [
        "A product has at most 3 options, not 4."
    ]
    assert variant_form(response).errors["options"] == ["Correct the product's option names first."]
    assert not Product.objects.exists()


def test_renaming_an_option_carries_the_values_typed_in_order_over(
    staff: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(admin_url(Product, "add"), new_product_form())
    product = Product.objects.get(handle="rain-jacket")
    variant = product.variants.get()
    edit = new_product_form() | {
        "variants-INITIAL_FORMS": 1,
        "variants-0-id": variant.pk,
        "variants-0-product": product.pk,
    }

    by_old_name = edit | {"option_names": "Jacket size", "variants-0-options": "Size: M"}
    response = staff.post(admin_url(Product, "change", product.pk), by_old_name)
    assert "Unknown options Size" in response.content.decode()
    product.refresh_from_db()
    assert product.option_names == ["Size"]

    response = staff.post(
        admin_url(Product, "change", product.pk), edit | {"option_names": "Jacket size"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    variant.refresh_from_db()
    assert (product.option_names, variant.options) == (["Jacket size"], {"Jacket size": "M"})


def product_form(response: Any) -> Any:
    return response.context["adminform"].form


def variant_form(response: Any, index: int = 0) -> Any:
    (variants,) = [f for f in response.context["inline_admin_formsets"] if f.opts.model is Variant]
    return variants.formset.forms[index]


def input_value(page: str, name: str) -> str | None:
    """The value a text input shows, or None when the page has no such input."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


SIZE_AND_COLOUR = {
    "tags": "a, b",
    "option_names": "Size, Colour",
    "variants-0-options": "M / Navy",
}


def test_tags_option_names_and_option_values_are_typed_as_plain_text(staff: Client) -> None:
    response = staff.post(admin_url(Product, "add"), new_product_form() | SIZE_AND_COLOUR)

    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(handle="rain-jacket")
    assert (product.tags, product.option_names) == (["a", "b"], ["Size", "Colour"])
    assert product.variants.get().options == {"Size": "M", "Colour": "Navy"}


def test_the_change_page_shows_the_values_as_they_were_typed(staff: Client) -> None:
    staff.post(admin_url(Product, "add"), new_product_form() | SIZE_AND_COLOUR)
    product = Product.objects.get(handle="rain-jacket")

    page = staff.get(admin_url(Product, "change", product.pk)).content.decode()

    assert input_value(page, "tags") == "a, b"
    assert input_value(page, "option_names") == "Size, Colour"
    assert input_value(page, "variants-0-options") == "M / Navy"
    assert 'placeholder="Size / Colour"' in page
    assert "Values for Size / Colour, in that order" in page
    assert not re.search(r'<textarea[^>]*name="(tags|option_names|variants-\S+-options)"', page)
    assert input_value(page, "variants-__prefix__-options") == ""


def test_a_new_product_starts_with_empty_fields_not_empty_json(staff: Client) -> None:
    page = staff.get(admin_url(Product, "add")).content.decode()
    assert input_value(page, "tags") == ""
    assert input_value(page, "option_names") == ""
    assert input_value(page, "variants-__prefix__-options") == ""
    assert "in the order of its option names" in page
    assert "leave empty" not in page  # its option names are still to be typed on this page


def test_a_wrong_number_of_option_values_is_refused_at_the_field(staff: Client) -> None:
    form = new_product_form() | SIZE_AND_COLOUR | {"variants-0-options": "M"}

    response = staff.post(admin_url(Product, "add"), form)

    message = "This product's options are Size / Colour: give 2 values separated by '/'."
    assert response.status_code == 200
    assert variant_form(response).errors == {"options": [message]}
    assert html.escape(message) in response.content.decode()
    assert input_value(response.content.decode(), "variants-0-options") == "M"
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Size: M, colour: Navy", {"Size": "M", "Colour": "Navy"}),
        ("colour: Navy, size: M", {"Colour": "Navy", "Size": "M"}),
        ("S/M / Navy", {"Size": "S/M", "Colour": "Navy"}),
        ("  L/Navy ", {"Size": "L", "Colour": "Navy"}),
    ],
)
def test_option_values_may_be_named_and_may_hold_a_slash(
    staff: Client, typed: str, stored: dict[str, str]
) -> None:
    form = new_product_form() | SIZE_AND_COLOUR | {"variants-0-options": typed}
    response = staff.post(admin_url(Product, "add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Variant.objects.get().options == stored


def test_a_value_holding_the_separator_is_shown_so_it_reads_back_the_same(
    staff: Client,
) -> None:
    form = (
        new_product_form() | SIZE_AND_COLOUR | {"variants-0-options": "Size: S / M, Colour: Navy"}
    )
    staff.post(admin_url(Product, "add"), form)
    product = Product.objects.get()
    page = staff.get(admin_url(Product, "change", product.pk)).content.decode()
    shown = input_value(page, "variants-0-options")
    assert shown == "Size: S / M, Colour: Navy"

    response = staff.post(
        admin_url(Product, "change", product.pk),
        form
        | {
            "variants-INITIAL_FORMS": 1,
            "variants-0-id": product.variants.get().pk,
            "variants-0-product": product.pk,
            "variants-0-options": shown,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Variant.objects.get().options == {"Size": "S / M", "Colour": "Navy"}


def test_a_value_named_twice_is_refused(staff: Client) -> None:
    form = new_product_form() | SIZE_AND_COLOUR | {"variants-0-options": "Size: M, size: L"}
    response = staff.post(admin_url(Product, "add"), form)
    assert variant_form(response).errors == {"options": ["Size is given twice."]}


def test_tags_are_trimmed_and_repeats_dropped(staff: Client) -> None:
    form = new_product_form() | {"tags": " Summer, Linen,, summer , Bestseller, LINEN "}
    staff.post(admin_url(Product, "add"), form)
    assert Product.objects.get().tags == ["Summer", "Linen", "Bestseller"]


def test_an_empty_new_variant_row_is_ignored(staff: Client) -> None:
    form = new_product_form() | {
        "variants-TOTAL_FORMS": 2,
        "variants-1-sku": "",
        "variants-1-options": "",
        "variants-1-price_amount": "",
        "variants-1-price_currency": "EUR",
        "variants-1-position": 0,
    }
    response = staff.post(admin_url(Product, "add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Variant.objects.values_list("sku", flat=True)) == ["RJ-M"]


def test_a_product_without_options_takes_no_option_values(staff: Client) -> None:
    form = new_product_form() | {"option_names": "", "variants-0-options": "M"}
    response = staff.post(admin_url(Product, "add"), form)
    assert variant_form(response).errors == {
        "options": ["This product has no options, so its variants take no option values."]
    }

    response = staff.post(admin_url(Product, "add"), form | {"variants-0-options": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Variant.objects.get().options == {}


def test_the_variant_page_reads_values_by_the_chosen_products_options(
    staff: Client, make_product: MakeProduct
) -> None:
    staff.post(admin_url(Product, "add"), new_product_form() | SIZE_AND_COLOUR)
    variant = Variant.objects.get(sku="RJ-M")
    hat = make_product(
        "wool-hat",
        "Wool Hat",
        option_names=["Colour"],
        variants=[VariantInput("HAT-GREY", Decimal("30"), options={"Colour": "Grey"})],
    )

    page = staff.get(admin_url(Variant, "change", variant.pk)).content.decode()
    assert input_value(page, "options") == "M / Navy"
    assert "Values for Size / Colour" in page
    listing = staff.get(admin_url(Variant, "changelist")).content.decode()
    assert "M / Navy" in listing

    edit = {
        "product": variant.product_id,
        "sku": "RJ-M",
        "options": "L / Navy",
        "price_amount": "120",
        "price_currency": "EUR",
        "barcode": "",
        "position": 0,
    }
    assert staff.post(admin_url(Variant, "change", variant.pk), edit).status_code == 302
    variant.refresh_from_db()
    assert variant.options == {"Size": "L", "Colour": "Navy"}

    # Moved to the hat, the same text is read by the hat's single option.
    response = staff.post(admin_url(Variant, "change", variant.pk), edit | {"product": hat.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    variant.refresh_from_db()
    assert variant.options == {"Colour": "L / Navy"}


def test_product_fields_have_human_labels(staff: Client) -> None:
    page = staff.get(admin_url(Product, "add")).content.decode()
    for label in ["HS code", "Country of origin", "Weight (g)", "Length (mm)", "Height (mm)"]:
        assert f">{label}:</label>" in page, label
    assert "Hs code" not in page


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
