"""Choose the locale prices are formatted in for a shopper (pure: no Django).

A language alone does not fix number formatting: English in India groups ``₹1,00,000.00``
while English in the US writes ``$100,000.00``, and German in Austria puts the euro sign
first (``€ 23,99``) where Germany puts it last, so the locale pairs the shopper's language
with a country of the market they shop in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from babel import localedata
from babel.core import get_global


def likely_country(language: str) -> str | None:
    """The country CLDR considers most likely for a language: DE for de, JP for ja."""
    parts = str(get_global("likely_subtags").get(language, "")).split("_")
    return parts[-1] if len(parts) > 1 and len(parts[-1]) == 2 else None


def shopper_locale(
    language: str, market_countries: Sequence[str], preferred: Iterable[str | None] = ()
) -> str:
    """A BCP 47 locale such as ``de-DE`` for ``language`` in one of ``market_countries``.

    Countries are tried in order: the ``preferred`` ones (e.g. the shopper's own country),
    the language's likely country, then the market's countries alphabetically; the first
    that CLDR has a locale for with this language wins. Without one, the bare language.
    """
    countries = {c.upper() for c in market_countries}
    candidates = [*preferred, likely_country(language), *sorted(countries)]
    for country in candidates:
        if country and country.upper() in countries:
            code = f"{language}_{country.upper()}"
            if localedata.exists(code):
                return code.replace("_", "-")
    return language
