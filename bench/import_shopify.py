"""How fast a Shopify product CSV imports: ~2,500 products x 4 variants into an empty store,
the same file again (every product matched, nothing to write), then the export.

Run: .venv/bin/python bench/import_shopify.py [--products N]
It works in a temporary data directory (a fresh SQLite database, removed afterwards)
unless DATABASE_URL points at a PostgreSQL database, which it migrates, empties of
products and fills.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZES = ("S", "M", "L", "XL")
COLUMNS = (
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
    "Variant SKU",
    "Variant Grams",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Taxable",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "Variant HS Code",
    "Variant Country of Origin",
    "Status",
)


def write_catalog(path: Path, products: int) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        for p in range(products):
            handle_name = f"bench-product-{p:05d}"
            for v, size in enumerate(SIZES):
                row = {
                    "Handle": handle_name,
                    "Option1 Value": size,
                    "Variant SKU": f"BENCH-{p:05d}-{size}",
                    "Variant Grams": str(200 + v * 10),
                    "Variant Price": f"{19 + p % 50}.{v}9",
                    "Variant Taxable": "TRUE",
                    "Variant HS Code": "610910",
                    "Variant Country of Origin": "PT",
                }
                if v == 0:
                    row |= {
                        "Title": f"Bench Tee {p}",
                        "Body (HTML)": f"<p>Organic cotton tee {p}.</p>\n<p>Second line.</p>",
                        "Vendor": "Bench Brand",
                        "Product Category": f"Apparel > Tops > Line {p % 20}",
                        "Type": "T-Shirt",
                        "Tags": "cotton, bench",
                        "Published": "TRUE",
                        "Option1 Name": "Size",
                        "Status": "active",
                    }
                if v < 2:
                    row |= {
                        "Image Src": f"https://cdn.example.com/bench/{p}-{v}.jpg",
                        "Image Position": str(v + 1),
                        "Image Alt Text": f"Tee {p} view {v + 1}",
                    }
                writer.writerow(row)
                rows += 1
    return rows


def timed(label: str, rows: int, action: Callable[[], object]) -> None:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"RESULT {label} rows={rows} seconds={seconds:.2f} rows_per_s={rows / seconds:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=2500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tw-bench-import-") as tmp:
        run(Path(tmp), args.products)


def run(workdir: Path, products: int) -> None:
    if not os.environ.get("TRADEWIND_DATA_DIR"):
        os.environ["TRADEWIND_DATA_DIR"] = str(workdir / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradewind.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tradewind.catalog.csv_io import export_shopify_products, import_shopify_products
    from tradewind.catalog.models import Product, Variant

    call_command("migrate", interactive=False, verbosity=0)
    Product.objects.all().delete()
    path = workdir / "products.csv"
    rows = write_catalog(path, products)
    print(f"database={connection.vendor} products={products}")

    def run_import() -> None:
        with path.open("rb") as handle:
            report = import_shopify_products(handle)
        assert not report.errors, report.errors[:3]
        print(report.summary())

    timed("import_shopify", rows, run_import)
    assert Variant.objects.count() == rows
    timed("reimport_shopify", rows, run_import)
    timed("export_shopify", rows, lambda: export_shopify_products(io.StringIO()))


if __name__ == "__main__":
    main()
