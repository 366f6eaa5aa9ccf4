"""Shopify product CSV import and export: a brand's catalog moves in one command."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tradewind import cli
from tradewind.catalog import csv_io
from tradewind.catalog.csv_io import (
    EXPORT_COLUMNS,
    ImportReport,
    RowError,
    ShopifyCsvError,
    export_shopify_products,
    import_shopify_products,
)
from tradewind.catalog.models import Category, Product, ProductImage, TaxClass, Variant
from tradewind.catalog.search import search_products
from tradewind.catalog.services import VariantInput
from tradewind.markets.models import FxRate, Market

DATA = Path(__file__).parent / "data"
CDN = "https://cdn.shopify.com/s/files/1/0533/2089/files/"
TEE_BODY = (
    "<p>Soft, breathable tee made from <strong>100% organic cotton</strong>.</p>\n"
    '<ul>\n<li>Regular fit, "true to size"</li>\n<li>Made in Portugal</li>\n</ul>'
)
BASIC_COLUMNS = ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"]
A = {"Handle": "a", "Title": "A", "Variant Price": "1"}  # a product's first row
A_SIZED = {**A, "Option1 Name": "Size", "Option1 Value": "S"}
A_IMAGE = {"Handle": "a", "Image Src": "https://cdn.example.com/a.jpg"}

pytestmark = pytest.mark.django_db


def import_file(name: str, **options: Any) -> ImportReport:
    with (DATA / name).open("rb") as handle:
        return import_shopify_products(handle, **options)


def import_text(text: str, **options: Any) -> ImportReport:
    return import_shopify_products(io.StringIO(text), **options)


def shopify_csv(*rows: dict[str, str], columns: list[str] | None = None) -> str:
    """A CSV with the basic columns plus any the rows name; the header is line 1."""
    header = columns or list(dict.fromkeys([*BASIC_COLUMNS, *(k for row in rows for k in row)]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def export_text() -> str:
    buffer = io.StringIO()
    export_shopify_products(buffer)
    return buffer.getvalue()


def category_path(category: Category | None) -> list[str]:
    names: list[str] = []
    while category is not None:
        names.insert(0, category.name)
        category = category.parent
    return names


def variants_of(handle: str) -> list[tuple[Any, ...]]:
    return list(
        Variant.objects.filter(product__handle=handle)
        .order_by("position")
        .values_list(
            "sku", "options", "price_amount", "compare_at_amount", "weight_grams", "barcode"
        )
    )


def images_of(handle: str) -> list[tuple[str, str, int, str | None]]:
    return list(
        ProductImage.objects.filter(product__handle=handle)
        .order_by("position")
        .values_list("source_url", "alt", "position", "variant__sku")
    )


def catalog_snapshot() -> list[dict[str, Any]]:
    """Everything the CSV carries, without ids or timestamps."""
    return [
        {
            "handle": p.handle,
            "name": p.name,
            "description": p.description,
            "vendor": p.vendor,
            "product_type": p.product_type,
            "category": category_path(p.category),
            "tags": p.tags,
            "option_names": p.option_names,
            "status": p.status,
            "tax_class": p.tax_class,
            "hs_code": p.hs_code,
            "origin_country": p.origin_country,
            "markets": sorted(p.markets.values_list("code", flat=True)),
            "variants": variants_of(p.handle),
            "currencies": set(p.variants.values_list("price_currency", flat=True)),
            "images": images_of(p.handle),
        }
        for p in Product.objects.order_by("handle")
    ]


@pytest.fixture
def markets(make_market: Callable[..., Market]) -> list[Market]:
    make_market("jp", "JPY", "ja", is_active=False)
    return [make_market("eu", "EUR", "de"), make_market("us", "USD", "en")]


# --- a realistic Shopify export ----------------------------------------------------------


def test_a_shopify_export_is_imported_field_by_field(markets: list[Market]) -> None:
    report = import_file("shopify_products.csv")

    assert report.errors == []
    assert (report.created, report.updated, report.failed) == (5, 0, 0)
    assert (report.variants_created, report.images_created) == (10, 7)

    tee = Product.objects.get(handle="organic-cotton-tee")
    assert tee.name == "Organic Cotton Tee"
    assert tee.description == TEE_BODY
    assert (tee.vendor, tee.product_type) == ("Tradewind Basics", "T-Shirt")
    assert category_path(tee.category) == [
        "Apparel & Accessories",
        "Clothing",
        "Clothing Tops",
        "T-Shirts",
    ]
    assert tee.tags == ["cotton", "organic", "summer"]
    assert tee.option_names == ["Size", "Color"]
    assert (tee.status, tee.tax_class) == (Product.Status.ACTIVE, TaxClass.STANDARD)
    assert (tee.hs_code, tee.origin_country) == ("61091000", "PT")
    s, m, white, black = "S", "M", "White", "Black"
    price, compare = Decimal("29"), Decimal("35")
    assert variants_of("organic-cotton-tee") == [
        ("TEE-S-WHT", {"Size": s, "Color": white}, price, compare, 180, "4006381333016"),
        ("TEE-S-BLK", {"Size": s, "Color": black}, price, compare, 180, "4006381333023"),
        ("TEE-M-WHT", {"Size": m, "Color": white}, price, compare, 190, ""),
        ("TEE-M-BLK", {"Size": m, "Color": black}, Decimal("31.5"), None, 190, ""),
    ]
    # An image belongs to one variant: the first of the variants that show it.
    assert images_of("organic-cotton-tee") == [
        (CDN + "tee-white.jpg?v=1700000001", "Tee in white", 0, "TEE-S-WHT"),
        (CDN + "tee-black.jpg?v=1700000002", "Tee in black", 1, "TEE-S-BLK"),
    ]
    assert set(tee.variants.values_list("price_currency", flat=True)) == {"EUR"}

    scarf = Product.objects.get(handle="linen-scarf")
    assert scarf.option_names == []
    assert (scarf.status, scarf.tags, scarf.category) == (Product.Status.DRAFT, [], None)
    # Shopify allows a variant without SKU; the catalog names it after the handle.
    assert variants_of("linen-scarf") == [("LINEN-SCARF", {}, Decimal("45"), None, 120, "")]
    assert images_of("linen-scarf") == [(CDN + "scarf.jpg?v=1700000003", "", 0, None)]

    assert images_of("ceramic-mug") == [
        (CDN + "mug-sand.jpg?v=1700000004", "Sand mug", 0, "MUG-SND"),
        (CDN + "mug-slate.jpg?v=1700000005", "Slate mug", 1, "MUG-SLT"),
        (CDN + "mug-detail.jpg?v=1700000006", "Glaze detail", 2, None),
    ]
    assert [v[:2] for v in variants_of("ceramic-mug")] == [
        ("MUG-SND", {"Color": "Sand"}),
        ("MUG-SLT", {"Color": "Slate"}),
    ]

    backpack = Product.objects.get(handle="travel-backpack")
    assert backpack.option_names == ["Size", "Color", "Material"]
    assert backpack.status == Product.Status.ARCHIVED
    olive = {"Size": "One size", "Color": "Olive", "Material": "Canvas"}
    navy = {"Size": "One size", "Color": "Navy", "Material": "Canvas"}
    assert variants_of("travel-backpack") == [
        ("BAG-OLV", olive, Decimal("149"), Decimal("179"), 1200, "012345678905"),
        ("BAG-NVY", navy, Decimal("149"), None, 1200, ""),
    ]

    guide = Product.objects.get(handle="field-guide")
    assert guide.tax_class == TaxClass.EXEMPT  # every variant says Variant Taxable FALSE
    assert variants_of("field-guide") == [
        ("BOOK-001", {}, Decimal("24.95"), None, 300, "9780306406157")
    ]
    assert images_of("field-guide") == []


def test_new_active_published_products_are_offered_in_every_active_market(
    markets: list[Market],
) -> None:
    report = import_file("shopify_products.csv")

    published = {
        p.handle: sorted(p.markets.values_list("code", flat=True)) for p in Product.objects.all()
    }
    # The scarf is a draft marked unpublished, the backpack archived: neither is offered.
    assert published == {
        "organic-cotton-tee": ["eu", "us"],
        "ceramic-mug": ["eu", "us"],
        "field-guide": ["eu", "us"],
        "linen-scarf": [],
        "travel-backpack": [],
    }
    assert report.published == 3
    assert "published 3 new products to every active market" in report.summary()


def test_publishing_can_be_left_to_the_operator(markets: list[Market]) -> None:
    report = import_file("shopify_products.csv", publish_to_all=False)

    assert report.created == 5
    assert not Product.objects.filter(markets__isnull=False).exists()


def test_imported_products_are_searchable(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        import_file("shopify_products.csv")

    tee = Product.objects.get(handle="organic-cotton-tee")
    assert search_products("organic cotton") == [tee.pk]


# --- bad rows ------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_line_and_good_products_are_stored() -> None:
    report = import_file("shopify_bad_rows.csv")

    # Line 4 holds a description over three physical lines, so the next row is line 7.
    assert report.errors == [
        RowError(7, "Variant Price 'abc' is not a number"),
        RowError(8, "Variant Grams 'heavy' is not a number"),
        RowError(
            10, "Option2 Value 'Brown' has no Option2 Name on the product's first row (line 9)"
        ),
        RowError(11, "Variant SKU 'SOCK-S' is already used by product 'good-socks' (line 2)"),
        RowError(12, "row has only a Handle ('ghost') and belongs to no product"),
        RowError(13, "HS Code '61091': An HS code has 6, 8 or 10 digits, without dots."),
        RowError(
            13, "Country/Region of Origin 'XX': 'XX' is not an ISO 3166-1 alpha-2 country code."
        ),
        RowError(13, "Variant Price '-5': Ensure this value is greater than or equal to 0."),
    ]
    assert (report.created, report.failed) == (2, 6)
    assert set(Product.objects.values_list("handle", flat=True)) == {"good-socks", "good-gloves"}
    # A product fails whole: the good first variant of bad-price is not stored either.
    assert set(Variant.objects.values_list("sku", flat=True)) == {"SOCK-S", "SOCK-M", "GLOVE-1"}
    assert len(images_of("good-gloves")) == 2


def test_a_failed_update_leaves_the_stored_product_as_it_was() -> None:
    import_file("shopify_products.csv")
    before = catalog_snapshot()
    text = (DATA / "shopify_products.csv").read_text(encoding="utf-8")
    text = text.replace("Organic Cotton Tee", "Renamed Tee").replace(",31.50,", ",lots,")

    report = import_text(text)

    assert report.errors == [RowError(9, "Variant Price 'lots' is not a number")]
    assert (report.failed, report.unchanged) == (1, 4)
    assert catalog_snapshot() == before


def test_a_category_that_cannot_be_made_fails_its_product_and_no_other() -> None:
    long_name = "x" * 201

    report = import_text(
        shopify_csv(
            {**A, "Product Category": f"Apparel > {long_name}"},
            {**A, "Handle": "b", "Product Category": "Apparel > Tops"},
        )
    )

    assert report.errors == [
        RowError(
            2,
            f"Product Category '{long_name}': Ensure this value has at most 200 characters "
            "(it has 201).",
        )
    ]
    assert category_path(Product.objects.get().category) == ["Apparel", "Tops"]
    assert Category.objects.count() == 2


def test_a_sku_of_another_stored_product_is_refused(make_product: Callable[..., Product]) -> None:
    make_product("trail-sneakers", skus=("SNK-1",))

    report = import_text(
        shopify_csv(
            {
                "Handle": "city-sneakers",
                "Title": "City",
                "Variant SKU": "SNK-1",
                "Variant Price": "80",
            }
        )
    )

    assert report.errors == [
        RowError(2, "Variant SKU 'SNK-1' already belongs to product 'trail-sneakers'")
    ]
    assert not Product.objects.filter(handle="city-sneakers").exists()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [{**A, "Published": "yes"}],
            [RowError(2, "Published 'yes' is not TRUE or FALSE")],
            id="published",
        ),
        pytest.param(
            [{**A, "Status": "live"}],
            [RowError(2, "Status 'live' is not one of draft, active, archived")],
            id="status",
        ),
        pytest.param(
            [{**A, "Gift Card": "TRUE"}],
            [RowError(2, "Gift Card is TRUE: gift cards are not catalog products")],
            id="gift-card",
        ),
        pytest.param(
            [{**A, "Variant Weight Unit": "stone"}],
            [RowError(2, "Variant Weight Unit 'stone' is not one of g, kg, lb, oz")],
            id="weight-unit",
        ),
        pytest.param(
            [{**A, "Variant Price": "NaN"}],
            [RowError(2, "Variant Price 'NaN' is not a number")],
            id="price-nan",
        ),
        pytest.param(
            [{**A, "Variant SKU": "A-1", "Variant Price": ""}],
            [RowError(2, "Variant Price is empty")],
            id="price-missing",
        ),
        pytest.param(
            [A_SIZED, {"Handle": "a", "Variant SKU": "A-2", "Variant Price": "1"}],
            [RowError(3, "Option1 Value is empty; product 'a' has option 'Size'")],
            id="option-value-missing",
        ),
        pytest.param(
            [A_SIZED, {"Handle": "a", "Option1 Name": "Colour", "Option1 Value": "M"}],
            [
                RowError(
                    3,
                    "Option1 Name 'Colour' differs from 'Size' on the product's first row (line 2)",
                ),
                RowError(3, "Variant Price is empty"),
            ],
            id="option-name-changes",
        ),
        pytest.param(
            [{**A, "Option2 Name": "Size", "Option2 Value": "S"}],
            [RowError(2, "Option1 Name is empty but a later option is 'Size'")],
            id="option-gap",
        ),
        pytest.param(
            [A_SIZED, {"Handle": "a", "Option1 Value": "S", "Variant Price": "2"}],
            [RowError(3, "option values 'S' are repeated (first on line 2)")],
            id="same-options-twice",
        ),
        pytest.param(
            [
                {**A_SIZED, "Variant SKU": "A"},
                {"Handle": "a", "Option1 Value": "M", "Variant SKU": "A", "Variant Price": "1"},
            ],
            [RowError(3, "Variant SKU 'A' is repeated (first on line 2)")],
            id="same-sku-twice",
        ),
        pytest.param(
            [A, {"Handle": "a", "Option1 Value": "x", "Variant Price": "1"}],
            [
                RowError(
                    3, "Option1 Value 'x' has no Option1 Name on the product's first row (line 2)"
                )
            ],
            id="value-without-name",
        ),
        pytest.param(
            [
                {**A_SIZED, "HS Code": "610910"},
                {"Handle": "a", "Option1 Value": "M", "Variant Price": "1", "HS Code": "620520"},
            ],
            [
                RowError(
                    3,
                    "HS Code '620520' differs from the product's '610910' on line 2; "
                    "a product has one",
                )
            ],
            id="hs-code-conflict",
        ),
        pytest.param(
            [A, {**A, "Handle": "b"}, A_IMAGE],
            [RowError(4, "rows of product 'a' must follow each other; it started on line 2")],
            id="scattered-handle",
        ),
        pytest.param(
            [{**A, "Title": ""}],
            [
                RowError(
                    2,
                    "Title is empty, but the first row of product 'a' must carry the "
                    "product's title",
                )
            ],
            id="title-missing",
        ),
        pytest.param(
            [{**A, "Handle": ""}],
            [RowError(2, "Handle is empty")],
            id="handle-missing",
        ),
        pytest.param(
            [{**A_IMAGE, "Title": "A"}],
            [RowError(2, "product 'a' has no variant: give at least a Variant Price")],
            id="no-variant",
        ),
        pytest.param(
            [A, {"Handle": "a", "Vendor": "Acme"}],
            [RowError(3, "row of product 'a' has no variant or image data")],
            id="row-without-data",
        ),
        pytest.param(
            [A, {"Handle": "a", "Image Alt Text": "Front"}],
            [RowError(3, "Image Alt Text 'Front' needs an Image Src on the same row")],
            id="alt-without-image",
        ),
        pytest.param(
            [A, {**A_IMAGE, "Image Position": "first"}],
            [RowError(3, "Image Position 'first' is not a whole number")],
            id="image-position",
        ),
        pytest.param(
            [A, {**A_IMAGE, "Image Position": "0"}],
            [RowError(3, "Image Position '0' is below 1")],
            id="image-position-zero",
        ),
        pytest.param(
            [A, {**A_IMAGE, "Image Src": "cdn/a.jpg"}],
            [RowError(3, "Image Src 'cdn/a.jpg': Enter a valid URL.")],
            id="image-url",
        ),
        pytest.param(
            [{**A, "Handle": "My Tee"}],
            [
                RowError(
                    2,
                    "Handle 'My Tee': Enter a valid “slug” consisting of letters, numbers, "
                    "underscores or hyphens.",
                )
            ],
            id="handle-not-a-slug",
        ),
        pytest.param(
            [{**A, "Variant Barcode": "12345"}],
            [
                RowError(
                    2,
                    "Variant Barcode '12345': '12345' is not a valid GTIN-8, -12, -13 or -14 "
                    "(check the digits).",
                )
            ],
            id="barcode",
        ),
    ],
)
def test_row_problems_name_the_line_and_the_column(
    rows: list[dict[str, str]], expected: list[RowError]
) -> None:
    report = import_text(shopify_csv(*rows))

    assert report.errors == expected
    assert report.failed == 1


# --- the file as a whole -------------------------------------------------------------------


def test_a_missing_handle_column_is_one_error_and_imports_nothing() -> None:
    text = "Title,Variant SKU,Variant Price\nTee,TEE-1,20\n"

    with pytest.raises(ShopifyCsvError, match="the file has no Handle column") as raised:
        import_text(text)

    assert "its header row has: Title, Variant SKU, Variant Price" in str(raised.value)
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        ("Handle,Title,Variant Price\ntee,Café,1\n".encode("latin-1"), "not UTF-8 text"),
        (b'Handle,Title,Variant Price\ntee,Tee,1\nmug,"Mug,2\n', "line 3: the CSV is malformed"),
        (b"Handle,Title,Price,Variant Price\ntee,Tee,1,1\n", "both give the same field"),
    ],
    ids=["empty", "blank-lines", "latin-1", "unclosed-quote", "same-field-twice"],
)
def test_an_unreadable_file_imports_nothing(content: bytes, message: str) -> None:
    with pytest.raises(ShopifyCsvError, match=message):
        import_shopify_products(io.BytesIO(content))

    assert not Product.objects.exists()


def test_excel_files_with_a_byte_order_mark_and_semicolons_are_read() -> None:
    text = "Handle;Title;Variant SKU;Variant Price\r\ntee;Café Tee;TEE-1;19.90\r\n"

    report = import_shopify_products(io.BytesIO(b"\xef\xbb\xbf" + text.encode()))

    assert report.errors == []
    assert variants_of("tee") == [("TEE-1", {}, Decimal("19.9"), None, None, "")]
    assert Product.objects.get().name == "Café Tee"


def test_shopifys_newer_column_names_are_read() -> None:
    text = shopify_csv(
        {
            "URL handle": "tee",
            "Title": "Tee",
            "Description": "<p>Soft</p>",
            "Option1 name": "Size",
            "Option1 value": "S",
            "SKU": "TEE-S",
            "Price": "20",
            "Compare-at price": "25",
            "Weight value (grams)": "150.6",
            "Product image URL": "https://cdn.example.com/tee.jpg",
            "Status": "Active",
        },
        columns=[
            "URL handle",
            "Title",
            "Description",
            "Option1 name",
            "Option1 value",
            "SKU",
            "Price",
            "Compare-at price",
            "Weight value (grams)",
            "Product image URL",
            "Status",
        ],
    )

    report = import_text(text)

    assert report.errors == []
    tee = Product.objects.get(handle="tee")
    assert (tee.description, tee.status) == ("<p>Soft</p>", Product.Status.ACTIVE)
    assert variants_of("tee") == [("TEE-S", {"Size": "S"}, Decimal("20"), Decimal("25"), 151, "")]
    assert images_of("tee") == [("https://cdn.example.com/tee.jpg", "", 0, None)]


def test_large_files_are_written_chunk_by_chunk_with_progress(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(csv_io, "_PRODUCTS_PER_CHUNK", 2)
    seen: list[tuple[int, int]] = []

    report = import_file("shopify_products.csv", progress=lambda *done: seen.append(done))

    assert report.created == 5
    # tee (4 rows) and scarf (1), mug (3) and backpack (2), then the guide (1) of 11 rows.
    assert seen == [(5, 11), (10, 11), (11, 11)]


def test_a_sku_taken_in_an_earlier_chunk_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_io, "_PRODUCTS_PER_CHUNK", 2)

    report = import_text(
        shopify_csv(
            {**A, "Variant SKU": "X"},
            {**A, "Handle": "b", "Variant SKU": "Y"},
            {**A, "Handle": "c", "Variant SKU": "X"},
        )
    )

    assert report.errors == [RowError(4, "Variant SKU 'X' already belongs to product 'a'")]
    assert sorted(Product.objects.values_list("handle", flat=True)) == ["a", "b"]


# --- importing again -----------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing() -> None:
    import_file("shopify_products.csv")
    before = catalog_snapshot()
    ids = sorted(Variant.objects.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        report = import_file("shopify_products.csv")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert (report.variants_created, report.images_created) == (0, 0)
    assert catalog_snapshot() == before
    assert sorted(Variant.objects.values_list("pk", flat=True)) == ids
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_importing_a_changed_file_updates_products_in_place() -> None:
    import_file("shopify_products.csv")
    tee_id = Product.objects.get(handle="organic-cotton-tee").pk
    black_m = Variant.objects.get(sku="TEE-M-BLK")
    # Staff renamed the SKU the import made up for the scarf; the file still has none.
    Variant.objects.filter(sku="LINEN-SCARF").update(sku="SCARF-01")

    tee = {"Handle": "organic-cotton-tee", "Option2 Name": "Color"}
    report = import_text(
        shopify_csv(
            {**tee, "Title": "Organic Cotton Tee", "Option1 Name": "Size", "Option1 Value": "M"}
            | {"Option2 Value": "Black", "Variant SKU": "TEE-M-BLK", "Variant Price": "27.00"},
            {"Handle": tee["Handle"], "Option1 Value": "L", "Option2 Value": "White"}
            | {"Variant SKU": "TEE-L-WHT", "Variant Price": "29.00"},
            {"Handle": "linen-scarf", "Title": "Linen Scarf", "Option1 Name": "Title"}
            | {"Option1 Value": "Default Title", "Variant Price": "39.00"},
        )
    )

    assert report.errors == []
    assert (report.created, report.updated) == (0, 2)
    assert (report.variants_created, report.variants_updated) == (1, 2)
    assert Product.objects.get(handle="organic-cotton-tee").pk == tee_id
    black_m.refresh_from_db()
    assert (black_m.price_amount, black_m.position) == (Decimal("27"), 0)
    assert Variant.objects.get(sku="TEE-L-WHT").options == {"Size": "L", "Color": "White"}
    # Variants the file leaves out stay: orders may point at them.
    assert Variant.objects.filter(product_id=tee_id).count() == 5
    assert variants_of("linen-scarf") == [("SCARF-01", {}, Decimal("39"), None, 120, "")]


def test_a_sku_renamed_in_shopify_renames_the_variant_with_those_options() -> None:
    import_file("shopify_products.csv")
    sand = Variant.objects.get(sku="MUG-SND")
    text = (DATA / "shopify_products.csv").read_text(encoding="utf-8")

    report = import_text(text.replace("MUG-SND", "MUG-SAND"))

    assert report.errors == []
    assert report.variants_created == 0
    sand.refresh_from_db()
    assert sand.sku == "MUG-SAND"


def test_a_column_left_out_leaves_its_field_alone() -> None:
    import_file("shopify_products.csv")

    report = import_text(
        shopify_csv(
            {"Handle": "field-guide", "Title": "Field Guide"}
            | {"Variant SKU": "BOOK-001", "Variant Price": "26.00"}
        )
    )

    assert report.errors == []
    guide = Product.objects.get(handle="field-guide")
    assert (guide.name, guide.vendor, guide.tags) == ("Field Guide", "Tradewind Press", ["books"])
    assert variants_of("field-guide") == [
        ("BOOK-001", {}, Decimal("26"), None, 300, "9780306406157")
    ]


def test_import_queries_do_not_grow_with_variants_or_images() -> None:
    def product(handle: str, variants: int) -> str:
        rows = [
            {
                "Handle": handle,
                "Title": handle.title() if i == 0 else "",
                "Option1 Name": "Size" if i == 0 else "",
                "Option1 Value": f"S{i}",
                "Variant SKU": f"{handle}-{i}",
                "Variant Price": "10",
                "Image Src": f"https://cdn.example.com/{handle}/{i}.jpg",
            }
            for i in range(variants)
        ]
        return shopify_csv(*rows)

    with CaptureQueriesContext(connection) as small:
        import_text(product("small", 1))
    with CaptureQueriesContext(connection) as large:
        import_text(product("large", 25))

    assert Variant.objects.filter(product__handle="large").count() == 25
    assert len(large.captured_queries) == len(small.captured_queries)


# --- export --------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_catalog_gives_the_same_products(
    markets: list[Market],
) -> None:
    import_file("shopify_products.csv")
    before = catalog_snapshot()
    exported = export_text()
    Product.objects.all().delete()
    while Category.objects.exists():
        Category.objects.filter(children__isnull=True).delete()

    report = import_text(exported)

    assert report.errors == []
    assert report.created == 5
    assert catalog_snapshot() == before
    assert export_text() == exported


def test_export_writes_shopifys_layout() -> None:
    import_file("shopify_products.csv")

    rows = list(csv.DictReader(io.StringIO(export_text())))

    assert tuple(rows[0]) == EXPORT_COLUMNS
    mug = [row for row in rows if row["Handle"] == "ceramic-mug"]
    columns = ("Title", "Option1 Value", "Variant SKU", "Image Position")
    assert [tuple(row[c] for c in columns) for row in mug] == [
        ("Ceramic Mug", "Sand", "MUG-SND", "1"),
        ("", "Slate", "MUG-SLT", "2"),
        ("", "", "", "3"),
    ]
    first = mug[0]
    assert first["Product Category"] == (
        "Home & Garden > Kitchen & Dining > Tableware > Drinkware > Mugs"
    )
    assert (first["Variant Price"], first["Variant Grams"], first["Variant HS Code"]) == (
        "18.00",
        "350",
        "691200",
    )
    assert first["Variant Image"] == CDN + "mug-sand.jpg?v=1700000004"
    scarf = next(row for row in rows if row["Handle"] == "linen-scarf")
    assert (scarf["Option1 Name"], scarf["Option1 Value"]) == ("Title", "Default Title")
    assert (scarf["Published"], scarf["Status"]) == ("FALSE", "draft")
    guide = next(row for row in rows if row["Handle"] == "field-guide")
    assert guide["Variant Taxable"] == "FALSE"


def test_export_reads_the_catalog_in_a_fixed_number_of_queries(
    make_product: Callable[..., Product], django_assert_num_queries: Any
) -> None:
    for i in range(6):
        make_product(f"product-{i}", skus=(f"P{i}-A", f"P{i}-B"))

    # Categories, then products with their variants and their images.
    with django_assert_num_queries(4):
        count = export_shopify_products(io.StringIO())

    assert count == 6


def test_export_converts_a_price_kept_in_another_currency(
    make_product: Callable[..., Product],
) -> None:
    FxRate.objects.create(
        currency="USD", rate=Decimal("1.25"), effective_at=timezone.now() - timedelta(days=1)
    )
    make_product(
        "us-import",
        variants=[VariantInput(sku="US-1", price_amount=Decimal("25.00"), price_currency="USD")],
    )

    rows = list(csv.DictReader(io.StringIO(export_text())))

    assert rows[0]["Variant Price"] == "20.00"


# --- the command ---------------------------------------------------------------------------


def test_the_command_imports_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["import", "shopify-products", str(DATA / "shopify_products.csv")])

    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("Imported 5 products (5 new, 0 updated, 0 unchanged) with 10 new")
    assert err == ""


def test_the_command_lists_row_errors_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["import", "shopify-products", str(DATA / "shopify_bad_rows.csv")])

    out, err = capsys.readouterr()
    assert code == 1
    assert "Imported 2 products" in out
    assert "6 products were not imported" in out
    assert "  line 7: Variant Price 'abc' is not a number\n" in err
    assert len(err.splitlines()) == 8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("Handle,Title,Variant Price\ntee,Café,1\n".encode("cp1252"), "is not UTF-8 text"),
        (b"Name,Cost\nTee,1\n", "has no Handle, Title or Variant Price column"),
    ],
    ids=["missing-file", "not-utf8", "not-a-shopify-csv"],
)
def test_the_command_exits_2_on_a_file_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "products.csv"
    if content is not None:
        path.write_bytes(content)

    code = cli.main(["import", "shopify-products", str(path)])

    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("tradewind: error: ")
    assert message in err
    assert len(err.splitlines()) == 1
    assert not Product.objects.exists()


def test_the_command_exports_and_prints_the_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_file("shopify_products.csv")
    path = tmp_path / "export.csv"

    code = cli.main(["export", "products", str(path)])

    assert code == 0
    assert capsys.readouterr().out == f"Exported 5 products to {path}.\n"
    assert path.read_bytes().decode() == export_text()
