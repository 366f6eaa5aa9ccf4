"""Benchmark product search on a 10,000-SKU catalog translated into six languages.

Builds about 2,500 products x 4 variants with names and descriptions in en/de/fr/es/ja/ar
in a throwaway database (SQLite in a temporary data dir; PostgreSQL too when
DATABASE_URL is set, in a database of its own that is dropped afterwards), times a full
reindex, then times a few hundred shopper-like queries: word prefixes, whole words,
two-word queries, Japanese and Arabic words, misses, with and without a language.

    python bench/search.py [--products 2500] [--queries 400] [--seed 7]

Prints one line per database:
    RESULT search db=<sqlite|postgres> skus=<n> reindex_s=<n> p50_ms=<n> p99_ms=<n>
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

VARIANTS_PER_PRODUCT = 4
LANGUAGES = ["de", "fr", "es", "ja", "ar"]  # translations; the store language is en

_VOCABULARY = {
    "en": {
        "adj": "red blue green black white classic light warm soft urban trail merino "
        "linen organic waterproof vintage slim compact everyday travel",
        "noun": "sneakers boots jacket scarf backpack wallet bottle candle mug blanket "
        "sweater shirt cap gloves tote lamp notebook socks hoodie belt",
        "filler": "made with care for daily use durable comfortable recycled material "
        "crafted in small batches designed to last easy to clean gift ready",
    },
    "de": {
        "adj": "rot blau grün schwarz weiß klassisch leicht warm weich städtisch "
        "wasserdicht nachhaltig gemütlich schmal kompakt",
        "noun": "Turnschuhe Stiefel Jacke Schal Rucksack Geldbörse Flasche Kerze Tasse "
        "Decke Pullover Hemd Mütze Handschuhe Tasche Lampe Socken Gürtel",
        "filler": "mit Sorgfalt gefertigt für jeden Tag langlebig bequem recyceltes "
        "Material in kleinen Serien hergestellt leicht zu reinigen",
    },
    "fr": {
        "adj": "rouge bleu vert noir blanc classique léger chaud doux urbain "
        "imperméable écologique élégant compact",
        "noun": "baskets bottes veste écharpe sac portefeuille bouteille bougie tasse "
        "couverture pull chemise casquette gants lampe chaussettes ceinture",
        "filler": "fabriqué avec soin pour un usage quotidien durable confortable "
        "matériau recyclé conçu pour durer facile à nettoyer",
    },
    "es": {
        "adj": "rojo azul verde negro blanco clásico ligero cálido suave urbano "
        "impermeable ecológico elegante compacto",
        "noun": "zapatillas botas chaqueta bufanda mochila cartera botella vela taza "
        "manta jersey camisa gorra guantes lámpara calcetines cinturón",
        "filler": "hecho con cuidado para el uso diario duradero cómodo material "
        "reciclado diseñado para durar fácil de limpiar",
    },
    "ja": {
        "adj": "赤い 青い 緑の 黒い 白い クラシック 軽量 暖かい 柔らかい 防水 オーガニック",
        "noun": "スニーカー ブーツ ジャケット マフラー リュック 財布 ボトル キャンドル "
        "マグカップ ブランケット セーター シャツ 帽子 手袋 ランプ 靴下 ベルト 運動靴",
        "filler": "毎日 使える 丈夫 快適 再生素材 小ロット 生産 長持ち お手入れ 簡単 贈り物",
    },
    "ar": {
        "adj": "أحمر أزرق أخضر أسود أبيض كلاسيكي خفيف دافئ ناعم مقاوم للماء عضوي",
        "noun": "حذاء رياضي حذاء طويل سترة وشاح حقيبة محفظة زجاجة شمعة كوب بطانية "
        "كنزة قميص قبعة قفازات مصباح جوارب حزام",
        "filler": "مصنوع بعناية للاستخدام اليومي متين مريح مواد معاد تدويرها سهل التنظيف",
    },
}


WORDS = {
    language: {kind: text.split() for kind, text in kinds.items()}
    for language, kinds in _VOCABULARY.items()
}


def _text(rng: random.Random, language: str) -> tuple[str, str]:
    words = WORDS[language]
    name = " ".join([*rng.sample(words["adj"], 2), rng.choice(words["noun"])])
    description = " ".join(rng.choices(words["filler"] + words["noun"], k=rng.randint(15, 30)))
    return name, description


def _queries(rng: random.Random, count: int) -> list[tuple[str, str | None]]:
    """Shopper-like queries: mostly prefixes and words, some pairs, some misses."""
    queries: list[tuple[str, str | None]] = []
    languages = ["en", *LANGUAGES]
    while len(queries) < count:
        language = rng.choice(languages)
        words = WORDS[language]
        noun = rng.choice(words["noun"])
        kind = rng.random()
        if kind < 0.35 and language not in ("ja", "ar"):
            query = noun[: rng.randint(3, max(3, len(noun) - 1))]  # typing in progress
        elif kind < 0.7:
            query = noun
        elif kind < 0.9:
            query = f"{rng.choice(words['adj'])} {noun}"
        else:
            query = f"zq{rng.randint(0, 10**6)}"  # finds nothing
        queries.append((query, language if rng.random() < 0.7 else None))
    return queries


def _build_catalog(products: int, seed: int) -> int:
    from django.conf import settings

    from tradewind.catalog.models import Product, ProductTranslation, Variant

    rng = random.Random(seed)
    base = [
        Product(
            handle=f"product-{i}",
            name=(text := _text(rng, "en"))[0],
            description=text[1],
            status=Product.Status.ACTIVE,
            vendor=rng.choice(["Northwind", "Fjord & Field", "Kumo", "Sahara Goods"]),
            option_names=["Size", "Colour"],
        )
        for i in range(products)
    ]
    Product.objects.bulk_create(base, batch_size=500)
    saved = list(Product.objects.order_by("pk"))
    translations = [
        ProductTranslation(product=p, language=lang, name=name, description=description)
        for p in saved
        for lang in LANGUAGES
        for name, description in [_text(rng, lang)]
    ]
    ProductTranslation.objects.bulk_create(translations, batch_size=1000)
    variants = [
        Variant(
            product=p,
            sku=f"SKU-{p.pk}-{v}",
            options={"Size": ["S", "M", "L", "XL"][v], "Colour": "Black"},
            price_amount=Decimal(rng.randint(900, 19900)) / 100,
            price_currency=settings.TRADEWIND_BASE_CURRENCY,
            position=v,
        )
        for p in saved
        for v in range(VARIANTS_PER_PRODUCT)
    ]
    Variant.objects.bulk_create(variants, batch_size=1000)
    return len(variants)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(db: str, products: int, query_count: int, seed: int, workdir: Path) -> None:
    """Measure on the database this process's settings point at (one database a process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradewind.settings")
    import django

    django.setup()
    from django.db import connection

    from tradewind.catalog.search import reindex_products, search_products

    test_name = str(workdir / "bench.sqlite3") if db == "sqlite" else f"bench_search_{os.getpid()}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
    original_name = connection.settings_dict["NAME"]
    print(f"[{db}] creating the database", file=sys.stderr, flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"[{db}] building {products} products", file=sys.stderr, flush=True)
        skus = _build_catalog(products, seed)
        started = time.perf_counter()
        indexed = reindex_products()
        reindex_s = time.perf_counter() - started
        assert indexed == products, (indexed, products)

        queries = _queries(random.Random(seed + 1), query_count)
        for query, language in queries[:20]:  # warm caches and the query planner
            search_products(query, language)
        timings, hits = [], 0
        print(f"[{db}] running {len(queries)} queries", file=sys.stderr, flush=True)
        for query, language in queries:
            started = time.perf_counter()
            found = search_products(query, language)
            timings.append((time.perf_counter() - started) * 1000)
            hits += bool(found)
        print(
            f"[{db}] {hits}/{len(queries)} queries found something; "
            f"mean {statistics.fmean(timings):.2f} ms",
            file=sys.stderr,
        )
        print(
            f"RESULT search db={db} skus={skus} reindex_s={reindex_s:.2f} "
            f"p50_ms={_percentile(timings, 0.50):.2f} p99_ms={_percentile(timings, 0.99):.2f}",
            flush=True,
        )
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2500)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tw-bench-search-") as tmp:
        workdir = Path(tmp)
        if args.db:
            run(args.db, args.products, args.queries, args.seed, workdir)
            return 0
        # Settings read DATABASE_URL once, so each database is measured in its own process.
        targets = {"sqlite": {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}}
        if os.environ.get("DATABASE_URL"):
            targets["postgres"] = dict(os.environ)
        status = 0
        for db, env in targets.items():
            env["TRADEWIND_DATA_DIR"] = str(workdir / db)
            command = [sys.executable, __file__, "--db", db, *sys.argv[1:]]
            status |= subprocess.run(command, env=env, check=False).returncode
        return status


if __name__ == "__main__":
    sys.exit(main())
