"""VAT identification numbers: format and checksum with python-stdnum, and the interface of
a registry lookup (VIES for the EU) that degrades gracefully when it cannot be reached.

Pure: no Django; the network adapter lives in :mod:`tradewind.tax.vies`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from types import ModuleType
from typing import Protocol

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.util import NumberValidationModule, get_cc_module

# VAT prefixes that differ from the ISO country code.
PREFIX_COUNTRY = {"EL": "GR"}
EU_PREFIXES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES) | {"EL"}


class VatIdStatus(StrEnum):
    VALID = "valid"  # confirmed by the tax authority's register
    UNVERIFIED = "unverified"  # format and checksum valid; register not consulted
    INVALID = "invalid"  # bad format or checksum, or the register says it is not valid


@dataclass(frozen=True, slots=True)
class VatIdCheck:
    raw: str
    number: str  # compact form with country prefix for EU numbers, e.g. "DE136695976"
    country: str  # ISO 3166 alpha-2 of the issuing country ("GR" for an EL number)
    status: VatIdStatus
    reason: str
    checked_by: str = "format"

    @property
    def is_eu(self) -> bool:
        return self.number[:2] in EU_PREFIXES

    @property
    def usable(self) -> bool:
        return self.status is not VatIdStatus.INVALID


def check_vat_id(raw: str, default_country: str) -> VatIdCheck:
    """Validate ``raw`` offline. A number with an EU prefix (``DE…``, ``EL…``) is checked by
    the EU rules; otherwise by the rules of its own prefix or of ``default_country``."""
    if not isinstance(raw, str):
        raise TypeError("a VAT ID must be a string")
    cleaned = "".join(raw.split()).upper().replace("-", "").replace(".", "")
    if not cleaned:
        return VatIdCheck(raw, "", default_country, VatIdStatus.INVALID, "empty VAT ID")
    prefix = cleaned[:2]
    if prefix in EU_PREFIXES:
        return _check_with(eu_vat, raw, cleaned, PREFIX_COUNTRY.get(prefix, prefix), prefix)
    module = _module(prefix) if prefix.isalpha() else None
    if module is not None:
        return _check_with(module, raw, cleaned, prefix, prefix)
    module = _module(default_country)
    if module is None:
        return VatIdCheck(
            raw,
            cleaned,
            default_country,
            VatIdStatus.UNVERIFIED,
            f"no checksum rule is known for {default_country} tax numbers",
        )
    return _check_with(module, raw, cleaned, default_country, "")


def _module(country: str) -> NumberValidationModule | None:
    return get_cc_module(country.lower(), "vat")


def _check_with(
    module: NumberValidationModule | ModuleType, raw: str, cleaned: str, country: str, prefix: str
) -> VatIdCheck:
    try:
        number = module.validate(cleaned)
    except ValidationError as exc:
        return VatIdCheck(raw, cleaned, country, VatIdStatus.INVALID, str(exc))
    compact = str(number)
    if prefix and not compact.startswith(prefix):
        compact = prefix + compact
    return VatIdCheck(
        raw, compact, country, VatIdStatus.UNVERIFIED, "format and checksum are valid"
    )


class VatIdVerifier(Protocol):
    """Looks a number up in the issuing authority's register (VIES for the EU)."""

    def verify(self, check: VatIdCheck) -> VatIdCheck: ...


class OfflineVerifier:
    """The default: no register is consulted, so a format-valid number stays unverified."""

    def verify(self, check: VatIdCheck) -> VatIdCheck:
        if check.status is VatIdStatus.INVALID:
            return check
        return replace(
            check,
            reason="format and checksum are valid; not confirmed with the register (offline)",
            checked_by="offline",
        )
