"""The consumer's legal right to withdraw from a distance sale, per country (pure: no Django).

Only rights that hold by default for every online sale of goods are listed; a country
absent here has no such general right known to this table (0 days), and the brand's own
policy is what shoppers there get.
"""

from __future__ import annotations

from collections.abc import Iterable

# EU member states (ISO 3166-1 alpha-2; Greece is GR here, EL in EU documents), plus the
# outermost regions and Åland that carry their own ISO codes but are EU territory.
# Directive 2011/83/EU on consumer rights, art. 9(1) and 9(2)(b): 14 days from the day
# the consumer acquires physical possession of the goods.
# fmt: off
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})
# fmt: on
EU_TERRITORIES = frozenset({"AX", "GF", "GP", "MF", "MQ", "RE", "YT"})
# EEA states outside the EU: the directive is part of the EEA Agreement (Annex XIX).
EEA_COUNTRIES = frozenset({"IS", "LI", "NO"})
# United Kingdom: Consumer Contracts (Information, Cancellation and Additional Charges)
# Regulations 2013, regs. 29-31: 14 days after the goods come into physical possession.
UK = frozenset({"GB"})

WITHDRAWAL_DAYS: dict[str, int] = {
    country: 14 for country in EU_COUNTRIES | EU_TERRITORIES | EEA_COUNTRIES | UK
}


def statutory_return_days_for(countries: Iterable[str]) -> int:
    """The longest statutory withdrawal period among ``countries`` (0 if none applies).

    A market must give every shopper at least the period of their own country, so the
    market-wide figure is the maximum.
    """
    return max((WITHDRAWAL_DAYS.get(c.upper(), 0) for c in countries), default=0)


def return_days_problem(statutory_days: int, countries: Iterable[str]) -> str | None:
    """Why ``statutory_days`` is too short for ``countries``, or None if it is enough."""
    codes = sorted({c.upper() for c in countries})
    required = statutory_return_days_for(codes)
    if statutory_days >= required:
        return None
    bound = [c for c in codes if WITHDRAWAL_DAYS.get(c, 0) == required]
    return (
        f"Shoppers in {', '.join(bound)} have a {required}-day legal right of withdrawal "
        f"from delivery; set the statutory return days to at least {required}."
    )
