"""Foreign-exchange arithmetic and the ECB reference-rate file format (pure: no Django)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

# The namespace of the ECB's eurofxref files (eurofxref-daily.xml, -hist-90d, -hist).
ECB_NS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
# No currency trades near 10 billion units per euro; a larger figure is a corrupt file.
MAX_RATE = Decimal(10) ** 10


class FxFormatError(ValueError):
    """A rates file that is not in the ECB reference-rate format."""


@dataclass(frozen=True)
class QuotedRate:
    day: date
    currency: str
    rate: Decimal  # units of currency per 1 EUR


def cross_rate(source: str, target: str, per_base: Mapping[str, Decimal], base: str) -> Decimal:
    """Units of ``target`` per one ``source``, from rates quoted against ``base``."""
    if source == target:
        return Decimal(1)
    source_rate = Decimal(1) if source == base else per_base[source]
    target_rate = Decimal(1) if target == base else per_base[target]
    return target_rate / source_rate


def parse_ecb_xml(content: bytes) -> list[QuotedRate]:
    """Parse an ECB eurofxref file: ``<Cube time=".."><Cube currency=".." rate=".."/>``.

    Raises :class:`FxFormatError` naming what is wrong; never returns a partial result for
    a malformed file, so an import is all or nothing.
    """
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise FxFormatError(f"not well-formed XML: {exc}") from exc
    except DefusedXmlException as exc:
        raise FxFormatError(f"unsafe XML refused: {exc}") from exc
    days = [el for el in root.iter(f"{{{ECB_NS}}}Cube") if "time" in el.attrib]
    if not days:
        raise FxFormatError("no <Cube time=...> elements in the ECB namespace were found")
    rates: list[QuotedRate] = []
    seen: set[tuple[date, str]] = set()
    for day_el in days:
        for quoted in _day_rates(day_el):
            if (quoted.day, quoted.currency) in seen:
                raise FxFormatError(f"{quoted.currency} is quoted twice on {quoted.day}")
            seen.add((quoted.day, quoted.currency))
            rates.append(quoted)
    return rates


def _day_rates(day_el: Element) -> list[QuotedRate]:
    raw_day = day_el.attrib["time"]
    try:
        day = date.fromisoformat(raw_day)
    except ValueError as exc:
        raise FxFormatError(f"bad date {raw_day!r} in <Cube time>") from exc
    out = []
    for el in day_el:
        currency = el.attrib.get("currency", "")
        raw_rate = el.attrib.get("rate", "")
        if len(currency) != 3 or not currency.isalpha():
            raise FxFormatError(f"bad currency {currency!r} on {raw_day}")
        try:
            rate = Decimal(raw_rate)
        except InvalidOperation as exc:
            raise FxFormatError(f"bad rate {raw_rate!r} for {currency} on {raw_day}") from exc
        if not rate.is_finite() or rate <= 0:
            raise FxFormatError(f"rate for {currency} on {raw_day} must be positive")
        if rate >= MAX_RATE:
            raise FxFormatError(f"rate {raw_rate} for {currency} on {raw_day} is too large")
        out.append(QuotedRate(day, currency.upper(), rate))
    return out
