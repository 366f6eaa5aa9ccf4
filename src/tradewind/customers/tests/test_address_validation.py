"""Addresses and phones are checked against each country's rules, with messages per field."""

import socket
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tradewind.customers.addresses import address_fields, validate_address


def address(**fields: Any) -> dict[str, Any]:
    return {"name": "Ann Lee", "street_address_1": "Unter den Linden 1", **fields}


def errors_of(data: dict[str, Any], **options: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        validate_address(data, **options)
    return excinfo.value.message_dict


def berlin(**fields: Any) -> dict[str, Any]:
    return address(**{"country": "DE", "postal_code": "10115", "city": "Berlin", **fields})


def test_country_rules_ship_with_the_package_and_need_no_network(monkeypatch) -> None:
    def no_network(*args: Any) -> None:
        raise AssertionError("address validation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)

    assert validate_address(berlin(phone="030 901820")).phone == "+4930901820"
    assert set(errors_of(address(country="JP", postal_code="1000"))) == {
        "country_area",
        "postal_code",
    }


def test_german_address_with_a_real_postcode_is_accepted() -> None:
    result = validate_address(berlin())

    assert result.country == "DE"
    assert result.postal_code == "10115"
    assert result.city == "Berlin"


def test_german_postcode_of_four_digits_is_refused_at_postal_code() -> None:
    errors = errors_of(berlin(postal_code="1234"))

    assert list(errors) == ["postal_code"]
    assert errors["postal_code"][0].startswith("Enter a valid postal code for Germany (e.g. ")


def test_german_address_needs_a_city_and_a_street() -> None:
    errors = errors_of(address(country="DE", postal_code="10115", street_address_1=""))

    assert set(errors) == {"city", "street_address_1"}
    assert errors["street_address_1"] == ["Enter the street address."]


def test_us_address_needs_a_state() -> None:
    errors = errors_of(address(country="US", city="New York", postal_code="10001"))

    assert errors == {"country_area": ["Choose a state; it is required for United States."]}


def test_us_state_must_be_a_real_one() -> None:
    errors = errors_of(
        address(country="US", city="New York", postal_code="10001", country_area="Gotham")
    )

    assert list(errors) == ["country_area"]
    assert errors["country_area"][0].startswith("'Gotham' is not a state of United States")


def test_us_zip_code_must_have_five_digits() -> None:
    errors = errors_of(
        address(country="US", city="New York", postal_code="1000", country_area="NY")
    )

    assert list(errors) == ["postal_code"]
    assert "ZIP code for United States" in errors["postal_code"][0]


def test_us_state_name_is_stored_as_its_postal_abbreviation() -> None:
    result = validate_address(
        address(country="us", city="New York", postal_code="10001-1234", country_area="new york")
    )

    assert (result.country, result.country_area, result.postal_code) == ("US", "NY", "10001-1234")


def test_british_postcode_is_upper_cased_and_a_wrong_one_refused() -> None:
    london = address(country="GB", city="London", street_address_1="10 Downing Street")

    assert validate_address({**london, "postal_code": "sw1a 2aa"}).postal_code == "SW1A 2AA"
    assert "postal_code" in errors_of({**london, "postal_code": "12345"})


def test_japanese_address_needs_a_prefecture_and_a_postcode() -> None:
    tokyo = address(country="JP", street_address_1="Chiyoda 1-1")

    assert set(errors_of(tokyo)) == {"country_area", "postal_code"}

    result = validate_address({**tokyo, "postal_code": "100-0001", "country_area": "Tokyo"})
    assert result.country_area == "東京都"
    assert "postal_code" in errors_of({**tokyo, "postal_code": "1000", "country_area": "Tokyo"})


def test_emirates_address_needs_no_postcode_but_an_emirate() -> None:
    dubai = address(country="AE", street_address_1="Sheikh Zayed Road 1")

    assert errors_of(dubai) == {
        "country_area": ["Choose an emirate; it is required for United Arab Emirates."]
    }
    result = validate_address({**dubai, "country_area": "Dubai"})
    assert result.postal_code == ""
    assert result.country_area


def test_unknown_country_is_refused_at_country() -> None:
    assert list(errors_of(address(country="QQ", city="Nowhere"))) == ["country"]
    assert list(errors_of(address(country="ZZ", city="Nowhere"))) == ["country"]
    assert errors_of(address(city="Nowhere")) == {"country": ["Choose a country."]}


def test_recipient_name_is_required() -> None:
    assert list(errors_of(berlin(name=" "))) == ["name"]


def test_overlong_field_is_refused_at_that_field() -> None:
    assert list(errors_of(berlin(company="x" * 256))) == ["company"]


def test_phone_in_national_form_is_stored_in_e164() -> None:
    assert validate_address(berlin(phone="030 901820")).phone == "+4930901820"
    dubai = address(country="AE", country_area="Dubai", phone="050 123 4567")
    assert validate_address(dubai).phone == "+971501234567"


def test_phone_of_another_country_in_international_form_is_accepted() -> None:
    assert validate_address(berlin(phone="+44 20 7946 0018")).phone == "+442079460018"


def test_invalid_phone_is_refused_at_phone_with_an_example() -> None:
    errors = errors_of(berlin(phone="12"))

    assert list(errors) == ["phone"]
    assert errors["phone"][0].startswith("Enter a valid phone number for Germany (e.g. +49 ")
    assert list(errors_of(berlin(phone="not a number"))) == ["phone"]


def test_phone_is_optional_unless_required() -> None:
    assert validate_address(berlin()).phone == ""
    assert list(errors_of(berlin(), phone_required=True)) == ["phone"]


def test_all_problems_are_reported_together() -> None:
    errors = errors_of(berlin(postal_code="1234", phone="12", name=""))

    assert set(errors) == {"postal_code", "phone", "name"}


def test_form_fields_follow_the_country_format() -> None:
    assert address_fields("DE")[-1] == ["postal_code", "city"]
    japan = [field for line in address_fields("JP") for field in line]
    assert "city" not in japan
    assert japan[:2] == ["postal_code", "country_area"]
