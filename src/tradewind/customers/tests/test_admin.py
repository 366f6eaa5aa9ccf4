"""Staff look customers up and fix their addresses in the admin, never seeing a password."""

from collections.abc import Sequence
from typing import Any

import pytest
from django.urls import reverse

from tradewind.customers import services
from tradewind.customers.models import Address, Customer
from tradewind.markets.tests.factories import market

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")
ADD = reverse("admin:customers_customer_add")
PASSWORD = "Tide-lantern-47"


def customer_post(addresses: Sequence[dict[str, Any]] = (), initial: int = 0, **fields: Any):
    data: dict[str, Any] = {
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "language": "en",
        "market": "",
        "is_active": "on",
        "addresses-TOTAL_FORMS": str(len(addresses)),
        "addresses-INITIAL_FORMS": str(initial),
        "addresses-MIN_NUM_FORMS": "0",
        "addresses-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, address in enumerate(addresses):
        for key, value in address.items():
            data[f"addresses-{index}-{key}"] = value
    return data


def berlin(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Ann Lee",
        "street_address_1": "Unter den Linden 1",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        **fields,
    }


def test_changelist_shows_whether_a_password_is_set_but_never_the_hash(admin_client) -> None:
    with_password = services.register("ann@example.com", PASSWORD)
    Customer.objects.create(email="bob@example.com")

    page = admin_client.get(CHANGELIST).content.decode()

    assert "ann@example.com" in page
    assert "bob@example.com" in page
    assert "Has password" in page
    assert 'alt="True"' in page
    assert 'alt="False"' in page
    assert with_password.password not in page
    assert "argon2" not in page


def test_change_form_has_no_password_field(admin_client) -> None:
    customer = services.register("ann@example.com", PASSWORD)

    page = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))

    assert "password" not in page.context["adminform"].form.fields
    assert customer.password not in page.content.decode()


def test_search_by_email_in_any_case_and_by_name(admin_client) -> None:
    Customer.objects.create(email="ann@example.com", first_name="Ann")
    Customer.objects.create(email="bob@example.com", first_name="Robert")

    by_email = admin_client.get(CHANGELIST, {"q": "ANN@Example.com"})
    by_name = admin_client.get(CHANGELIST, {"q": "robert"})

    assert [c.email for c in by_email.context["cl"].result_list] == ["ann@example.com"]
    assert [c.email for c in by_name.context["cl"].result_list] == ["bob@example.com"]


def test_filters_by_market_language_and_consent(admin_client) -> None:
    germany = market(code="de", currency="EUR", default_language="de", subfolder="de-de")
    Customer.objects.create(email="ann@example.com", market=germany, language="de")
    Customer.objects.create(email="bob@example.com", accepts_marketing=True)

    def emails(**params: str) -> list[str]:
        response = admin_client.get(CHANGELIST, params)
        return [c.email for c in response.context["cl"].result_list]

    assert emails(market__id__exact=str(germany.pk)) == ["ann@example.com"]
    assert emails(language__exact="de") == ["ann@example.com"]
    assert emails(accepts_marketing__exact="1") == ["bob@example.com"]


def test_customer_added_with_a_normalized_address(admin_client) -> None:
    response = admin_client.post(
        ADD,
        customer_post([berlin(phone="030 901820", is_default_shipping="on")], email="Ann@X.com"),
    )

    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.email == "ann@x.com"
    assert not customer.has_password
    address = customer.addresses.get()
    assert (address.phone, address.is_default_shipping) == ("+4930901820", True)


def test_bad_postcode_and_phone_are_errors_at_their_fields(admin_client) -> None:
    response = admin_client.post(ADD, customer_post([berlin(postal_code="1234", phone="12")]))

    assert response.status_code == 200
    [form] = response.context["inline_admin_formsets"][0].formset.forms
    assert set(form.errors) == {"postal_code", "phone"}
    assert not Customer.objects.exists()


def test_duplicate_email_in_another_case_is_an_error_at_email(admin_client) -> None:
    Customer.objects.create(email="ann@example.com")

    response = admin_client.post(ADD, customer_post(email="ANN@example.com"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["email"]


def test_two_default_addresses_are_refused(admin_client) -> None:
    both = [
        berlin(is_default_shipping="on"),
        berlin(street_address_1="Friedrichstr. 2", is_default_shipping="on"),
    ]

    response = admin_client.post(ADD, customer_post(both))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "one address as the default shipping" in str(formset.non_form_errors())
    assert not Address.objects.exists()


def test_default_moves_from_one_stored_address_to_another(admin_client) -> None:
    customer = Customer.objects.create(email="ann@example.com")
    first = services.add_address(customer, berlin())
    second = services.add_address(customer, berlin(street_address_1="Friedrichstr. 2"))
    # The row taking the flags comes first, so it is written while the other still holds them.
    rows = [
        {
            **berlin(street_address_1="Friedrichstr. 2"),
            "id": str(second.pk),
            "customer": str(customer.pk),
            "is_default_shipping": "on",
            "is_default_billing": "on",
        },
        {**berlin(), "id": str(first.pk), "customer": str(customer.pk)},
    ]

    response = admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        customer_post(rows, initial=2),
    )

    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.is_default_shipping, second.is_default_billing) == (True, True)
    assert (first.is_default_shipping, first.is_default_billing) == (False, False)


def test_consent_change_by_staff_is_timestamped(admin_client) -> None:
    customer = Customer.objects.create(email="ann@example.com")

    admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        customer_post(accepts_marketing="on"),
    )

    customer.refresh_from_db()
    assert customer.accepts_marketing is True
    assert customer.marketing_consent_at is not None
