"""The shipped rule files (``tax/data/*.csv``): reading, checking, and building a RuleSet
from them directly (pure: no Django).

Each file has one row per rule with its dates and source; see ``data/README.md``. A bad
file raises :class:`RuleFileError` naming the file, line and column, and nothing is loaded.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tradewind.tax.rules import (
    REGIME_FAMILIES,
    ROUNDINGS,
    TAX_CLASSES,
    THRESHOLD_BASES,
    THRESHOLD_KEYS,
    VALUATIONS,
    DutyRow,
    Jurisdiction,
    RateRow,
    RuleSet,
    ThresholdRow,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
JURISDICTIONS = "jurisdictions.csv"
TAX_RATES = "tax_rates.csv"
DUTY_RATES = "duty_rates.csv"
THRESHOLDS = "thresholds.csv"

# Fields that identify a rule across loads; a row is updated in place when they match.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    JURISDICTIONS: ("country",),
    TAX_RATES: ("country", "region", "tax_class", "component", "effective_from"),
    DUTY_RATES: ("territory", "hs_prefix", "origin", "effective_from"),
    THRESHOLDS: ("key", "territory", "origin", "effective_from"),
}
# Rows sharing these fields must not be in force on the same day.
PERIOD_KEYS: dict[str, tuple[str, ...]] = {
    TAX_RATES: ("country", "region", "tax_class", "component"),
    DUTY_RATES: ("territory", "hs_prefix", "origin"),
    THRESHOLDS: ("key", "territory", "origin"),
}

_CODE2 = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DIGITS = re.compile(r"^\d{0,10}$")
_REGION = re.compile(r"^[A-Z]{0,3}$")
_FRACTION = re.compile(r"^(\d+)/(\d+)$")


class RuleFileError(ValueError):
    def __init__(self, file: str, line: int, column: str, message: str) -> None:
        self.file, self.line, self.column = file, line, column
        super().__init__(f"{file} line {line}, column {column!r}: {message}")


Parser = Callable[[str], Any]


def _choice(options: Iterable[str]) -> Parser:
    allowed = tuple(options)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return parse


def _pattern(regex: re.Pattern[str], what: str) -> Parser:
    def parse(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return parse


def _decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{value!r} must be a number of at least 0")
    return number


def _optional_decimal(value: str) -> Decimal:
    return _decimal(value) if value else Decimal(0)


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _optional_date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _flag(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(f"{value!r} must be 1 or 0")
    return value == "1"


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone") from None
    return value


def _text(value: str) -> str:
    return value.strip()


def _required_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


_COUNTRY = _pattern(_CODE2, "a two-letter code")
_OPTIONAL_COUNTRY = _pattern(re.compile(r"^([A-Z]{2})?$"), "empty or a two-letter code")
_CURRENCY_CODE = _pattern(_CURRENCY, "a three-letter currency code")

COLUMNS: dict[str, dict[str, Parser]] = {
    JURISDICTIONS: {
        "country": _COUNTRY,
        "name": _required_text,
        "currency": _CURRENCY_CODE,
        "timezone": _zone,
        "customs_territory": _COUNTRY,
        "regime_family": _choice(REGIME_FAMILIES),
        "duty_valuation": _choice(VALUATIONS),
        "import_tax_valuation": _choice(VALUATIONS),
        "rounding": _choice(ROUNDINGS),
        "source": _required_text,
    },
    TAX_RATES: {
        "country": _COUNTRY,
        "region": _pattern(_REGION, "empty or a region code"),
        "tax_class": _choice(TAX_CLASSES),
        "component": _pattern(re.compile(r"^[A-Z]{2,8}$"), "an upper-case component name"),
        "rate": _decimal,
        "taxable_base": _pattern(_FRACTION, "a fraction such as 1/1 or 11/12"),
        "effective_from": _date,
        "effective_to": _optional_date,
        "source": _required_text,
        "note": _text,
    },
    DUTY_RATES: {
        "territory": _COUNTRY,
        "hs_prefix": _pattern(_DIGITS, "empty or up to 10 digits"),
        "origin": _OPTIONAL_COUNTRY,
        "rate": _decimal,
        "per_unit_amount": _optional_decimal,
        "per_unit_currency": _pattern(re.compile(r"^([A-Z]{3})?$"), "empty or a currency code"),
        "effective_from": _date,
        "effective_to": _optional_date,
        "source": _required_text,
        "note": _text,
    },
    THRESHOLDS: {
        "key": _choice(THRESHOLD_KEYS),
        "territory": _COUNTRY,
        "origin": _OPTIONAL_COUNTRY,
        "amount": _decimal,
        "currency": _CURRENCY_CODE,
        "inclusive": _flag,
        "basis": _choice(THRESHOLD_BASES),
        "effective_from": _date,
        "effective_to": _optional_date,
        "source": _required_text,
        "note": _text,
    },
}


def read_file(name: str, directory: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Rows of one rule file as field dicts (model field names), checked."""
    path = directory / name
    parsers = COLUMNS[name]
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(parsers) - set(reader.fieldnames or ())
        if missing:
            raise RuleFileError(name, 1, ", ".join(sorted(missing)), "column missing")
        rows = []
        for line_no, raw in enumerate(reader, start=2):
            row: dict[str, Any] = {"_line": line_no}
            for column, parse in parsers.items():
                try:
                    row[column] = parse(raw[column] or "")
                except ValueError as exc:
                    raise RuleFileError(name, line_no, column, str(exc)) from None
            rows.append(_finish(name, row))
    _check_rows(name, rows)
    for row in rows:
        del row["_line"]
    return rows


def _finish(name: str, row: dict[str, Any]) -> dict[str, Any]:
    line = row["_line"]
    if name == TAX_RATES:
        numerator, denominator = (int(part) for part in row.pop("taxable_base").split("/"))
        if not 0 < numerator <= denominator:
            raise RuleFileError(name, line, "taxable_base", "must be a fraction in (0, 1]")
        row["base_numerator"], row["base_denominator"] = numerator, denominator
        if row["rate"] > 100:
            raise RuleFileError(name, line, "rate", "a percentage above 100")
    if name == DUTY_RATES and row["per_unit_amount"] and not row["per_unit_currency"]:
        raise RuleFileError(name, line, "per_unit_currency", "required with a per-unit amount")
    if (
        "effective_to" in row
        and row["effective_to"]
        and row["effective_to"] < row["effective_from"]
    ):
        raise RuleFileError(name, line, "effective_to", "ends before it starts")
    return row


def _check_rows(name: str, rows: list[dict[str, Any]]) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = tuple(row[f] for f in NATURAL_KEYS[name])
        if key in seen:
            raise RuleFileError(
                name, row["_line"], NATURAL_KEYS[name][-1], f"repeats line {seen[key]}"
            )
        seen[key] = row["_line"]
    if name in PERIOD_KEYS:
        overlap = find_overlap(rows, PERIOD_KEYS[name])
        if overlap is not None:
            first, second = overlap
            raise RuleFileError(
                name,
                second["_line"],
                "effective_from",
                f"overlaps the period of line {first['_line']}",
            )


def find_overlap(
    rows: Iterable[dict[str, Any]], key_fields: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The first two rows of the same key whose effective periods overlap, if any."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[f] for f in key_fields), []).append(row)
    for members in groups.values():
        members.sort(key=lambda r: r["effective_from"])
        for earlier, later in itertools.pairwise(members):
            end = earlier["effective_to"]
            if end is None or end >= later["effective_from"]:
                return earlier, later
    return None


def ruleset_from_rows(
    jurisdictions: Iterable[dict[str, Any]],
    rates: Iterable[dict[str, Any]],
    duties: Iterable[dict[str, Any]],
    thresholds: Iterable[dict[str, Any]],
) -> RuleSet:
    """A RuleSet from field dicts (as read from files or as values() from the database)."""
    return RuleSet(
        (Jurisdiction(**{**row, "timezone": ZoneInfo(row["timezone"])}) for row in jurisdictions),
        (RateRow(**row) for row in rates),
        (DutyRow(**row) for row in duties),
        (ThresholdRow(**row) for row in thresholds),
    )


def ruleset_from_files(directory: Path = DATA_DIR) -> RuleSet:
    return ruleset_from_rows(
        read_file(JURISDICTIONS, directory),
        read_file(TAX_RATES, directory),
        read_file(DUTY_RATES, directory),
        read_file(THRESHOLDS, directory),
    )
