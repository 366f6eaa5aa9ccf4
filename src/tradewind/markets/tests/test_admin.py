"""Markets and FX rates are run from the admin: clear field errors, never a crash."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tradewind.core.staff import create_staff
from tradewind.markets.models import FxRate, Market
from tradewind.markets.tests.factories import DATA, fx_rate, market

pytestmark = pytest.mark.django_db

ADD_MARKET = reverse("admin:markets_market_add")
IMPORT_ECB = reverse("admin:markets_fxrate_import_ecb")
FX_CHANGELIST = reverse("admin:markets_fxrate_changelist")


def market_post(countries: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "United States",
        "code": "us",
        "subfolder": "en-us",
        "is_active": "on",
        "default_language": "en",
        "languages": ["es"],
        "units": "imperial",
        "currency": "USD",
        "price_adjustment_percent": "0",
        "rounding_increment": "",
        "price_ending": "",
        "tax_display": "exclusive",
        "duties_mode": "DDP",
        "payment_methods": ["card", "paypal"],
        "statutory_return_days": "0",
        "merchant_return_days": "30",
        "countries-TOTAL_FORMS": str(len(countries)),
        "countries-INITIAL_FORMS": "0",
        "countries-MIN_NUM_FORMS": "0",
        "countries-MAX_NUM_FORMS": "1000",
    }
    for index, country in enumerate(countries):
        data[f"countries-{index}-country"] = country
    data.update(fields)
    return data


def test_add_form_offers_checkboxes_for_languages_and_payment_methods(admin_client) -> None:
    page = admin_client.get(ADD_MARKET).content.decode()

    assert 'type="checkbox" name="payment_methods" value="klarna"' in page
    assert 'type="checkbox" name="languages" value="ja"' in page
    assert '<option value="DE">Germany (DE)</option>' in page


def test_market_is_created_with_lists_and_countries(admin_client) -> None:
    fx_rate("USD", "1.0880")

    response = admin_client.post(ADD_MARKET, market_post(countries=("US", "PR")))

    assert response.status_code == 302
    created = Market.objects.get(code="us")
    assert created.languages == ["es"]
    assert created.payment_methods == ["card", "paypal"]
    assert sorted(c.country for c in created.countries.all()) == ["PR", "US"]


def test_missing_fx_rate_is_an_error_at_the_currency_field(admin_client) -> None:
    response = admin_client.post(ADD_MARKET, market_post())

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["currency"]
    assert "No FX rate for USD" in errors["currency"][0]
    assert not Market.objects.exists()


def test_unknown_payment_method_is_an_error_at_its_field(admin_client) -> None:
    fx_rate("USD", "1.0880")

    response = admin_client.post(ADD_MARKET, market_post(payment_methods=["card", "bitcoin"]))

    errors = response.context["adminform"].form.errors
    assert "bitcoin is not one of the available choices" in errors["payment_methods"][0]
    assert not Market.objects.exists()


def test_eu_countries_need_the_statutory_withdrawal_period(admin_client) -> None:
    fx_rate("USD", "1.0880")
    too_short = market_post(countries=("US", "DE"))

    response = admin_client.post(ADD_MARKET, too_short)

    assert response.status_code == 200
    inline_errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert "Shoppers in DE have a 14-day legal right of withdrawal" in inline_errors[0]
    assert not Market.objects.exists()

    response = admin_client.post(ADD_MARKET, {**too_short, "statutory_return_days": "14"})

    assert response.status_code == 302
    assert Market.objects.get().statutory_return_days == 14


def test_changelist_shows_the_rate_in_force_or_that_it_is_missing(admin_client) -> None:
    fx_rate("USD", "1.0880")
    market(code="us", currency="USD")
    market(code="jp", currency="JPY", default_language="ja")
    market(code="eu", currency="EUR")

    page = admin_client.get(reverse("admin:markets_market_changelist")).content.decode()

    assert "1 EUR = 1.088 USD" in page
    assert "missing" in page
    assert "base currency" in page


def test_changelist_rate_follows_the_base_currency(admin_client, settings) -> None:
    settings.TRADEWIND_BASE_CURRENCY = "USD"
    fx_rate("USD", "1.25")
    fx_rate("GBP", "0.80")
    market(code="uk", currency="GBP", subfolder="en-gb")

    page = admin_client.get(reverse("admin:markets_market_changelist")).content.decode()

    assert "1 USD = 0.64 GBP" in page


def changelist_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:markets_market_changelist")).status_code == 200
    return len(captured)


def test_changelist_query_count_does_not_grow_with_markets(admin_client) -> None:
    fx_rate("USD", "1.0880")
    market(code="ca", countries=("CA",))
    one_market = changelist_queries(admin_client)
    for code in ("mx", "br", "ar", "cl", "pe"):
        market(code=code, countries=(code.upper(),))

    assert changelist_queries(admin_client) == one_market


def test_fx_rate_changelist_filters_by_source_currency_and_date(admin_client) -> None:
    fx_rate("USD", "1.0880", datetime(2025, 3, 14, 16, tzinfo=UTC))
    fx_rate("GBP", "0.84", datetime(2025, 3, 14, 16, tzinfo=UTC))
    fx_rate("USD", "1.0856", datetime(2025, 2, 13, 16, tzinfo=UTC))
    FxRate.objects.filter(currency="GBP").update(source=FxRate.Source.ECB)

    def listed(**query: str) -> list[str]:
        response = admin_client.get(FX_CHANGELIST, query)
        return [str(rate) for rate in response.context["cl"].result_list]

    assert listed(source__exact="ecb") == ["1 EUR = 0.84 GBP from 2025-03-14 16:00"]
    assert listed(currency="USD", effective_at__year="2025", effective_at__month="2") == [
        "1 EUR = 1.0856 USD from 2025-02-13 16:00"
    ]


def test_rate_entered_by_staff_is_manual_and_attributed(admin_client) -> None:
    response = admin_client.post(
        reverse("admin:markets_fxrate_add"),
        {
            "currency": "aed",
            "rate": "3.9957",
            "effective_at_0": "2025-03-14",
            "effective_at_1": "16:00:00",
            "note": "AED is pegged to USD",
        },
    )

    assert response.status_code == 302
    rate = FxRate.objects.get()
    assert (rate.currency, rate.source) == ("AED", FxRate.Source.MANUAL)
    assert rate.created_by == User.objects.get(username="admin")


def test_upload_of_an_ecb_file_imports_it(admin_client) -> None:
    upload = SimpleUploadedFile("eurofxref-hist.xml", (DATA / "eurofxref-hist.xml").read_bytes())

    response = admin_client.post(IMPORT_ECB, {"file": upload})

    assert response.status_code == 302
    assert response["Location"] == FX_CHANGELIST
    assert FxRate.objects.count() == 12
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [
        "Imported 12 new, 0 updated and 0 unchanged rates for 4 currencies over 3 days."
    ]


def test_upload_of_a_broken_file_is_refused_at_the_field(admin_client) -> None:
    broken = (DATA / "eurofxref-hist.xml").read_bytes().replace(b'"0.9622"', b'"abc"')

    response = admin_client.post(IMPORT_ECB, {"file": SimpleUploadedFile("x.xml", broken)})

    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert error == "This is not an ECB rates file: bad rate 'abc' for CHF on 2025-03-12."
    assert not FxRate.objects.exists()


def test_changelist_links_to_the_import_page(admin_client) -> None:
    assert IMPORT_ECB in admin_client.get(FX_CHANGELIST).content.decode()


def test_support_staff_may_look_at_rates_but_not_import_them() -> None:
    create_staff("help@example.com", "long-enough-secret", role="Support")
    client = Client()
    client.login(username="help@example.com", password="long-enough-secret")

    assert client.get(FX_CHANGELIST).status_code == 200
    assert client.get(IMPORT_ECB).status_code == 403
    assert client.get(ADD_MARKET).status_code == 403
