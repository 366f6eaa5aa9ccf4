"""Pick the text a shopper reads: the requested language, then the market's default
language, then the store's default language (the product's own fields)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from tradewind.catalog.models import Category, CategoryTranslation, Product, ProductTranslation


@dataclass(frozen=True)
class LocalizedText:
    name: str
    description: str
    language: str  # the language the text is actually in


def fallback_chain(language: str, market_default: str | None = None) -> list[str]:
    chain = [language]
    for lang in (market_default, settings.LANGUAGE_CODE):
        if lang and lang not in chain:
            chain.append(lang)
    return chain


def pick(
    base: LocalizedText,
    translations: Iterable[ProductTranslation | CategoryTranslation],
    chain: Sequence[str],
) -> LocalizedText:
    """The first language of ``chain`` with a translation; the base text otherwise.

    Works on prefetched translations so localizing a page of products costs no query.
    """
    by_language = {t.language: t for t in translations}
    for language in chain:
        if language == base.language:
            return base
        found = by_language.get(language)
        if found is not None and found.name:
            return LocalizedText(found.name, found.description or base.description, language)
    return base


def localize_product(product: Product, chain: Sequence[str]) -> LocalizedText:
    base = LocalizedText(product.name, product.description, settings.LANGUAGE_CODE)
    return pick(base, product.translations.all(), chain)


def localize_category(category: Category, chain: Sequence[str]) -> LocalizedText:
    base = LocalizedText(category.name, category.description, settings.LANGUAGE_CODE)
    return pick(base, category.translations.all(), chain)
