"""Bad input gives a clear error naming the field; nothing is guessed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from moneyed import Money

from tradewind.tax.engine import Consignment, Line, quote, shopper_rate
from tradewind.tax.errors import MissingFxRate, TaxInputError, UnknownCountry, UnknownHsCode
from tradewind.tax.rules import RuleSet
from tradewind.tax.tests.conftest import FX_PER_EUR

AT = datetime(2025, 3, 1, 12, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def consignment(**overrides: object) -> Consignment:
    values: dict[str, object] = {
        "origin_country": "CN",
        "destination_country": "DE",
        "lines": [Line("610910", "standard", 1, eur("200.00"))],
        "at": AT,
        "currency": "EUR",
        "fx_per_eur": FX_PER_EUR,
    }
    values.update(overrides)
    return Consignment(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"origin_country": "XX"}, "origin_country", "ISO 3166"),
        ({"destination_country": "de"}, "destination_country", "ISO 3166"),
        (
            {"lines": [Line("610910", "standard", 1, eur("-1.00"))]},
            "lines[0].unit_price",
            "negative",
        ),
        (
            {"lines": [Line("610910", "standard", 0, eur("1.00"))]},
            "lines[0].quantity",
            "at least 1",
        ),
        (
            {"lines": [Line("610910", "standard", 1, Money("1", "USD"))]},
            "lines[0].unit_price",
            "EUR",
        ),
        (
            {"lines": [Line("61.09.10", "standard", 1, eur("1.00"))]},
            "lines[0].hs_code",
            "6, 8 or 10",
        ),
        ({"lines": [Line("610910", "luxury", 1, eur("1.00"))]}, "lines[0].tax_class", "luxury"),
        ({"lines": []}, "lines", "at least one line"),
        ({"shipping": eur("-0.01")}, "shipping", "negative"),
        ({"insurance": Money("1", "GBP")}, "insurance", "EUR"),
        ({"at": datetime(2025, 3, 1, 12)}, "at", "timezone-aware"),
        ({"customer_vat_id": 123456789}, "customer_vat_id", "must be text"),
        ({"destination_country": "US", "currency": "EUR"}, "destination_region", "required"),
        (
            {"destination_country": "CA", "destination_region": "ZZ"},
            "destination_region",
            "not a known region",
        ),
        ({"duties_mode": "FOB"}, "duties_mode", "neither DDP nor DAP"),
        ({"ioss_number": "IOSS-123"}, "ioss_number", "IM + 10 digits"),
        ({"lines": [("610910", "standard", 1, "9.99")]}, "lines[0]", "must be a Line"),
        ({"fx_per_eur": {"USD": 1.1}}, "fx_per_eur", "positive Decimal"),
    ],
)
def test_bad_input_names_the_field(
    overrides: dict[str, object], field: str, words: str, shipped_rules: RuleSet
) -> None:
    with pytest.raises(TaxInputError) as caught:
        quote(consignment(**overrides), shipped_rules)
    assert caught.value.field == field
    assert words in caught.value.message
    assert str(caught.value).startswith(f"{field}: ")


def test_a_country_without_rules_is_unknown(shipped_rules: RuleSet) -> None:
    with pytest.raises(UnknownCountry) as caught:
        quote(consignment(destination_country="BR"), shipped_rules)
    assert caught.value.field == "destination_country"
    assert "'BR'" in str(caught.value)


def test_an_hs_code_missing_from_the_duty_table_is_named(shipped_rules: RuleSet) -> None:
    lines = [Line("950300", "standard", 1, eur("200.00"))]
    with pytest.raises(UnknownHsCode) as caught:
        quote(consignment(lines=lines), shipped_rules)
    assert caught.value.hs_code == "950300"
    assert caught.value.field == "hs_code"
    assert "950300" in str(caught.value) and "EU duty table" in str(caught.value)


def test_an_unknown_hs_code_under_a_duty_relief_needs_no_rate(shipped_rules: RuleSet) -> None:
    lines = [Line("950300", "standard", 1, eur("20.00"))]
    result = quote(consignment(lines=lines, ioss_number="IM2760000001"), shipped_rules)
    assert result.duty == eur("0.00")


def test_a_threshold_in_another_currency_needs_its_rate(shipped_rules: RuleSet) -> None:
    lines = [Line("610910", "standard", 1, Money("100.00", "USD"))]
    with pytest.raises(MissingFxRate) as caught:
        quote(consignment(lines=lines, currency="USD", fx_per_eur={}), shipped_rules)
    assert caught.value.field == "fx_per_eur"
    assert "USD" in str(caught.value)


def test_a_date_before_the_loaded_rules_is_an_error_not_a_guess(shipped_rules: RuleSet) -> None:
    with pytest.raises(TaxInputError) as caught:
        quote(consignment(origin_country="DE", at=datetime(2020, 1, 1, tzinfo=UTC)), shipped_rules)
    assert caught.value.field == "at"
    assert "2020-01-01" in caught.value.message


def test_shopper_rate_needs_a_region_where_rates_differ_by_region(
    shipped_rules: RuleSet,
) -> None:
    with pytest.raises(TaxInputError) as caught:
        shopper_rate(shipped_rules, "DE", "US", "standard", AT)
    assert caught.value.field == "destination_region"
