"""Product search over names and descriptions in every language.

Each product has one :class:`SearchDocument` per language it has text in: the store
language (the product's own fields) and each translation with a name. The documents
hold tokens folded by :mod:`tradewind.catalog.textsearch`; the database indexes them
(SQLite: an FTS5 table kept in step by triggers; PostgreSQL: a generated ``tsvector``
column with a GIN index), both created by this app's migrations.

Names weigh more than descriptions. Ranking is BM25 on SQLite and ``ts_rank`` on
PostgreSQL, so scores differ between the two, but which products match is identical
and a name match outranks a description-only match on both.

Changes reach the index by :func:`schedule_reindex`, which the catalog's model signals
call on every save and delete: inside a transaction the products are reindexed once,
after it commits, however many rows of theirs were written.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.db import connection, transaction

from tradewind.catalog import textsearch
from tradewind.catalog.models import (
    Product,
    ProductTranslation,
    Publication,
    SearchDocument,
    Variant,
)
from tradewind.catalog.translation import fallback_chain
from tradewind.markets.models import Market

BATCH = 500
NAME_WEIGHT, BODY_WEIGHT = 10.0, 1.0
FTS_TABLE = "catalog_searchdocument_fts"

_pending = threading.local()


def _chunks(items: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _documents(product_ids: list[int]) -> list[SearchDocument]:
    """The search documents of these products, read with three queries.

    Plain rows rather than model instances: a full reindex reads tens of thousands of
    translations and variants, and building models for them would be most of its time.
    """
    translations: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for pid, language, name, description in ProductTranslation.objects.filter(
        product_id__in=product_ids
    ).values_list("product_id", "language", "name", "description"):
        translations[pid].append((language, name, description))
    variants: dict[int, list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for pid, sku, options in Variant.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "sku", "options"
    ):
        variants[pid].append((sku, options if isinstance(options, dict) else {}))
    products = Product.objects.filter(pk__in=product_ids).values_list(
        "pk", "name", "description", "vendor", "product_type", "tags"
    )
    base_language = settings.LANGUAGE_CODE
    docs: list[SearchDocument] = []
    for pid, name, description, vendor, product_type, tags in products:
        extras = [
            vendor,
            product_type,
            " ".join(str(tag) for tag in tags if isinstance(tag, str | int))
            if isinstance(tags, list)
            else "",
            " ".join(sku for sku, _ in variants[pid]),
            " ".join(str(value) for _, options in variants[pid] for value in options.values()),
        ]
        texts = {base_language: (name, description)}
        for language, t_name, t_description in translations[pid]:
            # An empty translation is no translation: the shopper reads the fallback text.
            if t_name.strip() and language != base_language:
                texts[language] = (t_name, t_description or description)
        docs.extend(
            SearchDocument(
                product_id=pid,
                language=language,
                name=textsearch.index_text(text_name),
                body=textsearch.index_text(text_description, *extras),
            )
            for language, (text_name, text_description) in texts.items()
        )
    return docs


def reindex_products(product_ids: Iterable[int] | None = None) -> int:
    """Rebuild the search documents of these products (all when None); returns how many
    products were indexed. Ids of deleted products just lose their documents."""
    indexed = 0
    with transaction.atomic():
        if product_ids is None:
            SearchDocument.objects.all().delete()
            ids: Iterable[int] = Product.objects.order_by("pk").values_list("pk", flat=True)
        else:
            ids = sorted(set(product_ids))
        for chunk in _chunks(ids, BATCH):
            if product_ids is not None:
                SearchDocument.objects.filter(product_id__in=chunk).delete()
            docs = _documents(chunk)
            SearchDocument.objects.bulk_create(docs, batch_size=BATCH)
            indexed += len({doc.product_id for doc in docs})
    return indexed


def _pending_ids() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    ids: set[int] = _pending.ids
    return ids


def schedule_reindex(product_ids: Iterable[int | None]) -> None:
    """Reindex these products when the current transaction commits (now, outside one).

    Many calls in one transaction reindex each product once.
    """
    ids = {pid for pid in product_ids if pid is not None}
    if not ids:
        return
    if not transaction.get_connection().in_atomic_block:
        reindex_products(ids)
        return
    _pending_ids().update(ids)
    # The catalog change is committed by now: a failing reindex is logged, not raised at
    # the person who saved, and its products stay pending for the next flush.
    transaction.on_commit(flush_pending, robust=True)


def flush_pending() -> int:
    """Reindex every product scheduled so far, now; returns how many were indexed.

    Use cases call it at the end of their own transaction so the index changes together
    with the catalog; what is scheduled later in that transaction is flushed on commit.
    """
    pending = _pending_ids()
    if not pending:
        return 0
    ids = set(pending)
    pending.clear()
    try:
        return reindex_products(ids)
    except Exception:
        pending.update(ids)
        raise


def search_products(
    query: str,
    language: str | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    market: Market | None = None,
    active_only: bool = False,
) -> list[int]:
    """Ids of the products matching every word of ``query``, best first.

    Words match by prefix ("sneak" finds "Sneakers"), ignoring case and accents; runs of
    Chinese, Japanese or Thai match as substrings. With ``language`` the product's text in
    that language and its fallbacks (the market's language, then the store's) is searched,
    else its text in every language. ``market`` keeps products published there,
    ``active_only`` products whose status is active. Any input is safe: what is not a
    letter or digit is ignored, and a query without one finds nothing.
    """
    terms = textsearch.query_terms(query)
    if not terms or limit <= 0:
        return []
    doc_table = SearchDocument._meta.db_table
    filters: list[str] = []
    params: list[str | int] = []
    if language is not None:
        languages = fallback_chain(language, market.default_language if market else None)
        filters.append(f"d.language IN ({', '.join(['%s'] * len(languages))})")
        params.extend(languages)
    if active_only:
        filters.append(
            f"EXISTS (SELECT 1 FROM {Product._meta.db_table} p "
            "WHERE p.id = d.product_id AND p.status = %s)"
        )
        params.append(Product.Status.ACTIVE)
    if market is not None:
        filters.append(
            f"EXISTS (SELECT 1 FROM {Publication._meta.db_table} pub "
            "WHERE pub.product_id = d.product_id AND pub.market_id = %s)"
        )
        params.append(market.pk)
    page = [limit, max(offset, 0)]
    args: list[str | int | float | list[float]]

    if connection.vendor == "postgresql":
        sql = (
            "SELECT d.product_id, MAX(ts_rank(%s::float4[], d.search_vector, q)) AS score "
            f"FROM {doc_table} d CROSS JOIN to_tsquery('simple', %s) AS q "
            f"WHERE {' AND '.join(['d.search_vector @@ q', *filters])} "
            "GROUP BY d.product_id ORDER BY score DESC, d.product_id LIMIT %s OFFSET %s"
        )
        weights = [0.0, 0.0, BODY_WEIGHT / NAME_WEIGHT, 1.0]  # D, C, B (body), A (name)
        args = [weights, textsearch.pg_tsquery(terms), *params, *page]
    else:
        # bm25() only works directly on the FTS table, so it is scored in a subquery
        # that SQLite cannot flatten into the GROUP BY (it has a LIMIT).
        sql = (
            "SELECT d.product_id, MIN(f.score) AS score FROM ("
            f"SELECT rowid AS doc_id, bm25({FTS_TABLE}, %s, %s) AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT -1"
            f") AS f JOIN {doc_table} d ON d.id = f.doc_id "
            f"{'WHERE ' + ' AND '.join(filters) if filters else ''} "
            "GROUP BY d.product_id ORDER BY score, d.product_id LIMIT %s OFFSET %s"
        )
        args = [NAME_WEIGHT, BODY_WEIGHT, textsearch.fts5_match(terms), *params, *page]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [row[0] for row in cursor.fetchall()]
