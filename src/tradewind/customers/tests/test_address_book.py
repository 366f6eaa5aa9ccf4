"""A customer keeps an address book with one default shipping and one default billing address."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tradewind.customers import services
from tradewind.customers.models import Address, Customer

pytestmark = pytest.mark.django_db


def berlin(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Ann Lee",
        "street_address_1": "Unter den Linden 1",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        **fields,
    }


@pytest.fixture
def customer() -> Customer:
    # Created directly: hashing a password is beside the point here.
    return Customer.objects.create(email="ann@example.com")


def defaults(customer: Customer) -> tuple[list[str], list[str]]:
    addresses = Address.objects.filter(customer=customer)
    shipping = [a.street_address_1 for a in addresses if a.is_default_shipping]
    billing = [a.street_address_1 for a in addresses if a.is_default_billing]
    return shipping, billing


def test_address_is_stored_normalized_with_phone_in_e164(customer) -> None:
    stored = services.add_address(customer, berlin(phone="030 901820", country="de"))

    stored.refresh_from_db()
    assert (stored.country, stored.phone, stored.customer) == ("DE", "+4930901820", customer)


def test_first_address_becomes_the_default_for_shipping_and_billing(customer) -> None:
    services.add_address(customer, berlin())
    services.add_address(customer, berlin(street_address_1="Friedrichstr. 2"))

    assert defaults(customer) == (["Unter den Linden 1"], ["Unter den Linden 1"])


def test_new_default_takes_over_from_the_old_one(customer) -> None:
    services.add_address(customer, berlin())

    services.add_address(customer, berlin(street_address_1="Friedrichstr. 2"), default_billing=True)

    assert defaults(customer) == (["Unter den Linden 1"], ["Friedrichstr. 2"])


def test_bad_address_is_refused_and_nothing_stored(customer) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.add_address(customer, berlin(postal_code="1234"))

    assert list(excinfo.value.message_dict) == ["postal_code"]
    assert not Address.objects.exists()


def test_guest_address_belongs_to_no_one_and_is_no_default() -> None:
    snapshot = services.add_address(None, berlin())

    assert snapshot.customer is None
    assert not (snapshot.is_default_shipping or snapshot.is_default_billing)
    with pytest.raises(ValidationError):
        services.set_default_address(snapshot, shipping=True)


def test_update_checks_the_address_as_a_whole(customer) -> None:
    stored = services.add_address(customer, berlin())

    services.update_address(stored, {"street_address_1": "Friedrichstr. 2", "phone": "+4930901820"})
    stored.refresh_from_db()
    assert (stored.street_address_1, stored.phone, stored.postal_code) == (
        "Friedrichstr. 2",
        "+4930901820",
        "10115",
    )

    with pytest.raises(ValidationError) as excinfo:
        services.update_address(stored, {"country": "US"})
    assert list(excinfo.value.message_dict) == ["country_area"]
    stored.refresh_from_db()
    assert stored.country == "DE"


def test_set_default_moves_the_flag(customer) -> None:
    services.add_address(customer, berlin())
    second = services.add_address(customer, berlin(street_address_1="Friedrichstr. 2"))

    services.set_default_address(second, shipping=True)

    assert defaults(customer) == (["Friedrichstr. 2"], ["Unter den Linden 1"])


def test_deleting_the_default_hands_it_to_the_newest_remaining_address(customer) -> None:
    first = services.add_address(customer, berlin())
    services.add_address(customer, berlin(street_address_1="Friedrichstr. 2"))
    services.add_address(customer, berlin(street_address_1="Karl-Marx-Allee 3"))

    services.delete_address(first)

    assert defaults(customer) == (["Karl-Marx-Allee 3"], ["Karl-Marx-Allee 3"])
    assert Address.objects.filter(customer=customer).count() == 2


def test_deleting_a_plain_address_leaves_the_defaults_alone(customer) -> None:
    services.add_address(customer, berlin())
    other = services.add_address(customer, berlin(street_address_1="Friedrichstr. 2"))

    services.delete_address(other)

    assert defaults(customer) == (["Unter den Linden 1"], ["Unter den Linden 1"])
