"""A shopper stays signed in through the session until signing out or changing the password."""

import pytest
from django.contrib.auth import SESSION_KEY as STAFF_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from tradewind.customers import services
from tradewind.customers.models import Customer
from tradewind.customers.sessions import (
    SESSION_KEY,
    current_customer,
    keep_signed_in,
    log_in,
    log_out,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Tide-lantern-47"


def browser(session_key: str | None = None):
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key)
    return request


def reload(request):
    """The next request of the same browser, with the session read back from the database."""
    request.session.save()
    return browser(request.session.session_key)


@pytest.fixture
def ann() -> Customer:
    return services.register("ann@example.com", PASSWORD)


def test_anonymous_browser_has_no_customer() -> None:
    assert current_customer(browser()) is None


def test_signed_in_customer_is_found_on_the_next_request(ann) -> None:
    request = browser()
    log_in(request, ann)

    assert current_customer(reload(request)) == ann


def test_sign_in_records_the_time_and_is_not_a_staff_login(ann) -> None:
    request = browser()
    log_in(request, ann)

    ann.refresh_from_db()
    assert ann.last_login is not None
    assert STAFF_SESSION_KEY not in request.session


def test_sign_in_gives_a_new_session_key_but_keeps_the_guest_cart(ann) -> None:
    request = browser()
    request.session["cart"] = "c-1"
    request.session.save()
    guest_key = request.session.session_key

    log_in(request, ann)
    request.session.save()

    assert request.session.session_key != guest_key
    assert request.session["cart"] == "c-1"


def test_signing_in_as_someone_else_forgets_the_previous_session(ann) -> None:
    bob = Customer.objects.create(email="bob@example.com")
    request = browser()
    log_in(request, ann)
    request.session["cart"] = "ann's cart"

    log_in(request, bob)

    assert "cart" not in request.session
    assert current_customer(reload(request)) == bob


def test_sign_out_ends_the_session(ann) -> None:
    request = browser()
    log_in(request, ann)
    request = reload(request)

    log_out(request)

    assert current_customer(request) is None
    assert current_customer(reload(request)) is None


def test_password_change_signs_out_other_sessions_but_not_this_one(ann) -> None:
    phone, laptop = browser(), browser()
    log_in(phone, ann)
    log_in(laptop, ann)
    phone, laptop = reload(phone), reload(laptop)

    services.change_password(ann, "Fresh-meadow-2031")
    keep_signed_in(laptop, ann)

    assert current_customer(reload(laptop)) == ann
    assert current_customer(phone) is None
    assert SESSION_KEY not in phone.session


def test_deactivated_customer_is_signed_out(ann) -> None:
    request = browser()
    log_in(request, ann)
    Customer.objects.filter(pk=ann.pk).update(is_active=False)

    assert current_customer(reload(request)) is None


def test_customer_is_looked_up_once_per_request(ann, django_assert_num_queries) -> None:
    request = browser()
    log_in(request, ann)
    request = reload(request)

    with django_assert_num_queries(2):  # the session row, then the customer
        assert current_customer(request) == ann
        assert current_customer(request) == ann
