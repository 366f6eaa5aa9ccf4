"""Admin for the rule tables: search, filters, and validation that refuses overlapping rules."""

from __future__ import annotations

import pytest

from tradewind.tax.models import TaxRate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/admin/tax/taxrate/?q=Estonian", "Estonian VAT Act"),
        ("/admin/tax/taxrate/?in_force=now&country=RO&tax_class=reduced", "11.0000"),
        ("/admin/tax/taxrate/?in_force=past&country=EE", "22.0000"),
        ("/admin/tax/dutyrate/?q=6404", "6404"),
        ("/admin/tax/threshold/?key=pos_ceiling&in_force=now&q=NO", "3000.0000"),
        ("/admin/tax/jurisdiction/?q=Tallinn", "Estonia"),
    ],
)
def test_changelists_search_and_filter(admin_client, url: str, expected: str) -> None:
    response = admin_client.get(url)
    assert response.status_code == 200
    assert expected in response.content.decode()


def _rate_form(**overrides: str) -> dict[str, str]:
    form = {
        "country": "DE",
        "region": "",
        "tax_class": "standard",
        "component": "VAT",
        "rate": "21",
        "base_numerator": "1",
        "base_denominator": "1",
        "effective_from": "2027-01-01",
        "effective_to": "",
        "source": "Test law",
        "note": "",
    }
    form.update(overrides)
    return form


def test_an_overlapping_rate_is_refused_and_nothing_is_saved(admin_client) -> None:
    before = TaxRate.objects.count()
    response = admin_client.post("/admin/tax/taxrate/add/", _rate_form())
    assert response.status_code == 200
    assert "Overlaps the rule in force 2021-07-01 to open end" in response.content.decode()
    assert TaxRate.objects.count() == before


def test_a_rate_for_an_unknown_jurisdiction_is_refused(admin_client) -> None:
    response = admin_client.post("/admin/tax/taxrate/add/", _rate_form(country="BR"))
    assert "Add the jurisdiction before its rates." in response.content.decode()


def test_a_non_overlapping_rate_is_saved(admin_client) -> None:
    response = admin_client.post(
        "/admin/tax/taxrate/add/", _rate_form(country="GB", effective_from="2020-01-01",
                                              effective_to="2020-12-31", rate="20")
    )  # fmt: skip
    assert response.status_code == 302
    assert TaxRate.objects.filter(country="GB", effective_from="2020-01-01").exists()
