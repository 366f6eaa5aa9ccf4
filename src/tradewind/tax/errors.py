"""Errors for bad tax input: each names the field at fault, so an API can answer 400 with
a message a person can act on, and a CLI can print one line."""

from __future__ import annotations


class TaxInputError(ValueError):
    """Input the engine cannot quote; ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UnknownCountry(TaxInputError):
    def __init__(self, field: str, country: str) -> None:
        self.country = country
        super().__init__(field, f"no tax rules are defined for country {country!r}")


class UnknownHsCode(TaxInputError):
    """The destination has a tariff table, but no row covers this HS code."""

    def __init__(self, hs_code: str, territory: str) -> None:
        self.hs_code = hs_code
        self.territory = territory
        super().__init__(
            "hs_code",
            f"HS code {hs_code} is not in the {territory} duty table; add a duty row for its "
            f"heading or chapter under Tax & duties > Duty rates",
        )


class MissingFxRate(TaxInputError):
    def __init__(self, currency: str) -> None:
        self.currency = currency
        super().__init__(
            "fx_per_eur", f"no exchange rate for {currency} was given to convert a threshold"
        )
