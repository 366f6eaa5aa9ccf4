from __future__ import annotations

from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError

from tradewind.core.money import is_currency


def validate_currency(value: str) -> None:
    if not isinstance(value, str) or len(value) != 3 or not is_currency(value):
        raise ValidationError(f"'{value}' is not an ISO 4217 currency code.")


def validate_country(value: str) -> None:
    if not isinstance(value, str) or pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError(f"'{value}' is not an ISO 3166-1 alpha-2 country code.")


def supported_languages() -> set[str]:
    return {code for code, _ in settings.LANGUAGES}


def validate_language(value: str) -> None:
    if value not in supported_languages():
        choices = ", ".join(sorted(supported_languages()))
        raise ValidationError(f"'{value}' is not a store language (one of {choices}).")


def validate_language_list(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError("Give a list of language codes.")
    for item in value:
        validate_language(item)


def validate_payment_methods(value: Any) -> None:
    from tradewind.markets.models import PaymentMethod

    if not isinstance(value, list):
        raise ValidationError("Give a list of payment methods.")
    unknown = [v for v in value if v not in PaymentMethod.values]
    if unknown:
        raise ValidationError(f"Unknown payment methods: {', '.join(map(str, unknown))}.")
