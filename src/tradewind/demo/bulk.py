"""Fast inserts of planned demo rows, one code path for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 1_000
SQLITE_CACHE_KIB = 256 * 1024


class RowWriter:
    """Inserts rows with ``executemany``, the same way on SQLite and PostgreSQL.

    Going through ``bulk_create`` costs about 15 µs of field preparation per value, which
    for a million customers (some 25 million values) is most of an hour. Demo rows are
    planned whole, so they are handed to the driver as they are: ids are assigned here
    (the demo loads into an empty store inside one transaction), datetimes are stored in
    UTC the way Django stores them, JSON is prepared once per distinct value, and the
    other columns get their model defaults. Use it as a context manager and call
    :meth:`finish` after the last row: PostgreSQL's id sequences are then moved past the
    loaded rows.
    """

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self._next: dict[type[models.Model], int] = {}
        self._shapes: dict[type[models.Model], tuple[str, list[str], list[Any]]] = {}
        self._cache_size: int | None = None

    def __enter__(self) -> RowWriter:
        if self.sqlite:
            # Unique indexes on random keys (order numbers, emails) touch pages all over
            # the tree; SQLite's default 2 MB page cache makes the second million rows
            # several times slower than the first.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self._cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")

    def ids(self, model: type[models.Model], count: int) -> range:
        if model not in self._next:
            top = model._base_manager.aggregate(top=Max("pk"))["top"]
            self._next[model] = (top or 0) + 1
        first = self._next[model]
        self._next[model] = first + count
        return range(first, first + count)

    def moment(self, value: datetime | None) -> Any:
        """A naive UTC datetime as the database takes it."""
        if value is None:
            return None
        return str(value) if self.sqlite else value.replace(tzinfo=UTC)

    def json(self, model: type[models.Model], name: str, value: Any) -> Any:
        return model._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]

    def insert(self, model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
        if not rows:
            return 0
        sql, names, defaults = self._shape(model)
        data = [
            tuple([row.get(name, default) for name, default in zip(names, defaults, strict=True)])
            for row in rows
        ]
        with connection.cursor() as cursor:
            for lo in range(0, len(data), BATCH):
                cursor.executemany(sql, data[lo : lo + BATCH])
        return len(data)

    def _shape(self, model: type[models.Model]) -> tuple[str, list[str], list[Any]]:
        if model not in self._shapes:
            quote = connection.ops.quote_name
            fields = list(model._meta.concrete_fields)
            defaults = [
                None
                if f.primary_key or (f.null and not f.has_default())
                else f.get_db_prep_save(f.get_default(), connection)
                for f in fields
            ]
            columns = ", ".join(quote(str(f.column)) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
            self._shapes[model] = (sql, [f.attname for f in fields], defaults)
        return self._shapes[model]

    def finish(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._next))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
