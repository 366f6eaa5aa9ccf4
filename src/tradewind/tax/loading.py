"""Loading the shipped rule files into the rule tables, idempotently.

Used by the data migration (with historical models) and by ``services.load_tax_rules``
(with the live ones), so the function takes the model classes as arguments. Rows are
matched by their natural key: new rows are created, changed rows updated, and rows an
operator added by hand are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from django.db import models, transaction

from tradewind.tax.datafiles import (
    DATA_DIR,
    DUTY_RATES,
    JURISDICTIONS,
    NATURAL_KEYS,
    TAX_RATES,
    THRESHOLDS,
    read_file,
)


class RuleModels(NamedTuple):
    jurisdiction: type[models.Model]
    tax_rate: type[models.Model]
    duty_rate: type[models.Model]
    threshold: type[models.Model]


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def sync_rules(rule_models: RuleModels, directory: Path = DATA_DIR) -> LoadResult:
    """Read every file first (a bad file loads nothing), then upsert in one transaction."""
    plan = (
        (rule_models.jurisdiction, JURISDICTIONS, read_file(JURISDICTIONS, directory)),
        (rule_models.tax_rate, TAX_RATES, read_file(TAX_RATES, directory)),
        (rule_models.duty_rate, DUTY_RATES, read_file(DUTY_RATES, directory)),
        (rule_models.threshold, THRESHOLDS, read_file(THRESHOLDS, directory)),
    )
    created = updated = unchanged = 0
    with transaction.atomic():
        for model, name, rows in plan:
            c, u, n = _sync(model, NATURAL_KEYS[name], rows)
            created, updated, unchanged = created + c, updated + u, unchanged + n
    return LoadResult(created, updated, unchanged)


def _sync(
    model: type[models.Model], key_fields: tuple[str, ...], rows: list[dict[str, Any]]
) -> tuple[int, int, int]:
    manager = model._default_manager
    existing = {tuple(getattr(obj, f) for f in key_fields): obj for obj in manager.all()}
    new = []
    updated = unchanged = 0
    for row in rows:
        obj = existing.get(tuple(row[f] for f in key_fields))
        if obj is None:
            new.append(model(**row))
            continue
        changed = [f for f, value in row.items() if getattr(obj, f) != value]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            obj.save(update_fields=[*changed, "updated_at"])
            updated += 1
        else:
            unchanged += 1
    manager.bulk_create(new)
    return len(new), updated, unchanged
