"""Shoppers open accounts with an email and a password and sign in with them."""

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tradewind.customers import services
from tradewind.customers.models import Customer
from tradewind.markets.tests.factories import market

pytestmark = pytest.mark.django_db

PASSWORD = "Tide-lantern-47"


def field_errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_registered_customer_signs_in_with_email_and_password() -> None:
    registered = services.register("ann@example.com", PASSWORD, first_name="Ann")

    assert services.authenticate("ann@example.com", PASSWORD) == registered


def test_password_is_stored_as_an_argon2_hash_never_in_clear() -> None:
    customer = services.register("ann@example.com", PASSWORD)

    stored = Customer.objects.get(pk=customer.pk).password
    assert identify_hasher(stored).algorithm == "argon2"
    assert stored.startswith("argon2$")
    assert PASSWORD not in stored


def test_email_is_stored_in_lower_case_and_matched_without_regard_to_case() -> None:
    customer = services.register("  Ann.Lee@Example.COM ", PASSWORD)

    assert customer.email == "ann.lee@example.com"
    assert services.authenticate("ANN.LEE@example.com", PASSWORD) == customer


def test_wrong_password_is_refused() -> None:
    services.register("ann@example.com", PASSWORD)

    assert services.authenticate("ann@example.com", PASSWORD.upper()) is None


def test_unknown_email_is_refused_after_a_hash_check_like_a_known_one(monkeypatch) -> None:
    checked: list[str] = []
    real_check = services.check_password

    def spy(password: str, encoded: str, **kwargs) -> bool:
        checked.append(encoded)
        return real_check(password, encoded, **kwargs)

    monkeypatch.setattr(services, "check_password", spy)

    assert services.authenticate("nobody@example.com", PASSWORD) is None
    assert len(checked) == 1
    assert identify_hasher(checked[0]).algorithm == "argon2"


def test_deactivated_customer_cannot_sign_in() -> None:
    customer = services.register("ann@example.com", PASSWORD)
    Customer.objects.filter(pk=customer.pk).update(is_active=False)

    assert services.authenticate("ann@example.com", PASSWORD) is None


def test_account_without_password_cannot_sign_in_with_an_empty_one() -> None:
    Customer.objects.create(email="staff-made@example.com")

    assert services.authenticate("staff-made@example.com", "") is None


def test_duplicate_email_is_refused_at_the_email_field_whatever_its_case() -> None:
    services.register("ann@example.com", PASSWORD)

    with pytest.raises(ValidationError) as excinfo:
        services.register("ANN@Example.com", "Another-good-phrase-9")

    assert field_errors(excinfo) == {"email": [services.DUPLICATE_EMAIL]}
    assert Customer.objects.count() == 1


def test_weak_password_is_refused_at_the_password_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.register("ann@example.com", "12345678")

    messages = field_errors(excinfo)["password"]
    assert any("too common" in m for m in messages)
    assert any("entirely numeric" in m for m in messages)
    assert not Customer.objects.exists()


def test_password_like_the_email_is_refused() -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.register("annabelle.smith@example.com", "annabelle.smith")

    assert any("too similar" in m for m in field_errors(excinfo)["password"])


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.register("not-an-email", "short", language="xx")

    assert set(field_errors(excinfo)) == {"email", "password", "language"}


def test_customer_takes_the_market_language_unless_one_is_chosen() -> None:
    germany = market(code="de", currency="EUR", default_language="de", subfolder="de-de")

    assert services.register("a@example.com", PASSWORD, market=germany).language == "de"
    assert services.register("b@example.com", PASSWORD, market=germany, language="en").language == (
        "en"
    )


def test_marketing_consent_is_timestamped_when_given_and_when_withdrawn() -> None:
    silent = services.register("a@example.com", PASSWORD)
    subscribed = services.register("b@example.com", PASSWORD, accepts_marketing=True)

    assert silent.marketing_consent_at is None
    assert subscribed.marketing_consent_at is not None

    given_at = subscribed.marketing_consent_at
    services.set_marketing_consent(subscribed, False)
    subscribed.refresh_from_db()
    assert subscribed.accepts_marketing is False
    assert subscribed.marketing_consent_at is not None
    assert subscribed.marketing_consent_at > given_at


def test_changed_password_replaces_the_old_one() -> None:
    customer = services.register("ann@example.com", PASSWORD)

    services.change_password(customer, "Fresh-meadow-2031")

    assert services.authenticate("ann@example.com", PASSWORD) is None
    assert services.authenticate("ann@example.com", "Fresh-meadow-2031") == customer


def test_weak_new_password_is_refused_and_the_old_one_kept() -> None:
    customer = services.register("ann@example.com", PASSWORD)

    with pytest.raises(ValidationError) as excinfo:
        services.change_password(customer, "password")

    assert "password" in field_errors(excinfo)
    assert services.authenticate("ann@example.com", PASSWORD) == customer


def test_hash_from_an_older_algorithm_is_upgraded_to_argon2_at_sign_in() -> None:
    customer = Customer.objects.create(
        email="old@example.com", password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )

    assert services.authenticate("old@example.com", PASSWORD) == customer

    customer.refresh_from_db()
    assert identify_hasher(customer.password).algorithm == "argon2"


def test_database_refuses_an_email_stored_in_mixed_case() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.bulk_create([Customer(email="Ann@Example.com")])
