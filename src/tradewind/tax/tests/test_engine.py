"""The engine explains itself: rule rows, sources, thresholds, notes; and its arithmetic helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from moneyed import Money

from tradewind.catalog.models import TaxClass
from tradewind.tax.engine import (
    Consignment,
    DutiesMode,
    DutyRegime,
    Line,
    ProviderRate,
    RegimeKind,
    allocate,
    quote,
    shopper_rate,
)
from tradewind.tax.rules import TAX_CLASSES, RuleSet
from tradewind.tax.tests.conftest import FX_PER_EUR
from tradewind.tax.vatid import VatIdStatus

AT = datetime(2025, 9, 1, 12, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def consignment(**overrides: object) -> Consignment:
    values: dict[str, object] = {
        "origin_country": "CN",
        "destination_country": "DE",
        "lines": [Line("610910", "standard", 1, eur("100.00"))],
        "at": AT,
        "currency": "EUR",
        "ioss_number": "IM2760000001",
        "fx_per_eur": FX_PER_EUR,
    }
    values.update(overrides)
    return Consignment(**values)  # type: ignore[arg-type]


def test_engine_tax_classes_are_the_catalog_tax_classes() -> None:
    assert set(TAX_CLASSES) == set(TaxClass.values)


def test_a_quote_names_the_rule_row_and_source_it_used(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(
            origin_country="DE", destination_country="EE", at=datetime(2025, 7, 2, tzinfo=UTC)
        ),
        shipped_rules,
    )
    (line,) = result.lines
    (rule,) = line.tax_rules
    assert line.tax_rate == Decimal(24)
    assert rule.effective_from == date(2025, 7, 1)
    assert "Estonian VAT Act" in rule.source
    assert result.tax_date == date(2025, 7, 2)


def test_ioss_number_travels_with_the_shipment(shipped_rules: RuleSet) -> None:
    result = quote(consignment(ioss_number="IM2760001234"), shipped_rules)
    assert result.regimes == ("EU_IOSS",)
    assert any("IM2760001234" in note and "shipment" in note for note in result.notes)


def test_reverse_charge_invoice_note_names_the_customer_vat_id(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(origin_country="DE", destination_country="AT", customer_vat_id="ATU13585627"),
        shipped_rules,
    )
    assert result.b2b and result.vat_id is not None
    assert result.lines[0].regime_kind is RegimeKind.REVERSE_CHARGE
    note = next(n for n in result.notes if "reverse charge" in n)
    assert "Article 138" in note and "ATU13585627" in note


def test_a_malformed_vat_id_is_a_note_and_a_consumer_sale(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(origin_country="DE", destination_country="AT", customer_vat_id="not-a-vat-id"),
        shipped_rules,
    )
    assert not result.b2b
    assert result.regimes == ("EU_OSS",)
    assert result.tax == eur("20.00")
    assert any("not valid" in note and "consumer sale" in note for note in result.notes)


def test_a_register_saying_invalid_overrides_a_valid_checksum(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(
            origin_country="DE",
            destination_country="AT",
            customer_vat_id="ATU13585627",
            vat_id_status=VatIdStatus.INVALID,
        ),
        shipped_rules,
    )
    assert not result.b2b
    assert result.regimes == ("EU_OSS",)


def test_threshold_checks_record_the_converted_value_and_rate(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(currency="USD", lines=[Line("610910", "standard", 1, Money("165.00", "USD"))]),
        shipped_rules,
    )
    check = next(c for c in result.thresholds if c.key == "pos_ceiling")
    assert check.value == eur("150.00")
    assert check.limit == eur("150")
    assert check.within
    assert check.fx_rate == Decimal(1) / Decimal("1.10")
    assert "369l" in check.rule.source


def test_the_goods_origin_of_a_line_decides_a_tariff_preference(shipped_rules: RuleSet) -> None:
    lines = [
        Line("610910", "standard", 1, eur("200.00"), origin_country="GB"),
        Line("610910", "standard", 1, eur("200.00")),
    ]
    result = quote(consignment(lines=lines), shipped_rules)
    uk_made, chinese_made = result.lines
    assert (uk_made.duty, uk_made.duty_rate) == (eur("0.00"), Decimal(0))
    assert "Trade and Cooperation" in uk_made.duty_rule.source  # type: ignore[union-attr]
    assert chinese_made.duty == eur("24.00")


def test_dap_says_what_the_carrier_will_collect(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(
            lines=[Line("610910", "standard", 1, eur("200.00"))], duties_mode=DutiesMode.DAP
        ),
        shipped_rules,
    )
    assert result.collected_at_checkout == eur("0.00")
    assert result.due_on_delivery == eur("66.56")  # duty 200 x 12% = 24.00 + VAT 224 x 19% = 42.56
    assert any(note.startswith("DAP:") for note in result.notes)
    assert result.lines[0].due_on_delivery == result.due_on_delivery


def test_exempt_goods_are_noted(shipped_rules: RuleSet) -> None:
    lines = [Line("300490", "exempt", 1, eur("10.00"))]
    result = quote(consignment(origin_country="DE", lines=lines), shipped_rules)
    assert result.tax == eur("0.00")
    assert any("Exempt" in note for note in result.notes)


def test_canadian_provincial_tax_is_not_collected_at_the_border(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(
            destination_country="CA",
            destination_region="BC",
            currency="CAD",
            lines=[Line("610910", "standard", 1, Money("100.00", "CAD"))],
        ),
        shipped_rules,
    )
    assert result.lines[0].tax_rate == Decimal(5)
    assert any("Provincial sales tax" in note for note in result.notes)


def test_a_domestic_canadian_sale_adds_provincial_tax(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(
            origin_country="CA",
            destination_country="CA",
            destination_region="QC",
            currency="CAD",
            lines=[Line("610910", "standard", 1, Money("100.00", "CAD"))],
        ),
        shipped_rules,
    )
    assert result.tax == Money("14.98", "CAD")  # 5% GST + 9.975% QST = 14.975
    assert {ref.source.split(",")[0] for ref in result.lines[0].tax_rules} == {
        "Canada Revenue Agency",
        "Quebec Act respecting the Québec sales tax (revenuquebec.ca)",
    }


class FixedLocalRates:
    def __init__(self, rates: dict[str, Decimal]) -> None:
        self.rates = rates
        self.asked: list[tuple[str, str, str, date]] = []

    def rate(self, state: str, postal_code: str, tax_class: str, on: date) -> ProviderRate | None:
        self.asked.append((state, postal_code, tax_class, on))
        found = self.rates.get(postal_code)
        return ProviderRate(found, f"local rate for {postal_code}") if found is not None else None


def test_a_sales_tax_provider_supplies_local_us_rates(shipped_rules: RuleSet) -> None:
    provider = FixedLocalRates({"90210": Decimal("9.5")})
    usd = Money("100.00", "USD")
    result = quote(
        consignment(
            origin_country="US",
            destination_country="US",
            destination_region="CA",
            destination_postal_code="90210",
            currency="USD",
            lines=[Line("610910", "standard", 1, usd)],
        ),
        shipped_rules,
        sales_tax=provider,
    )
    assert result.tax == Money("9.50", "USD")
    assert result.lines[0].tax_rules[0].source == "local rate for 90210"
    assert provider.asked == [("CA", "90210", "standard", date(2025, 9, 1))]


def test_without_a_provider_answer_the_state_base_rate_applies(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(
            origin_country="US",
            destination_country="US",
            destination_region="CA",
            destination_postal_code="00000",
            currency="USD",
            lines=[Line("610910", "standard", 1, Money("100.00", "USD"))],
        ),
        shipped_rules,
        sales_tax=FixedLocalRates({}),
    )
    assert result.tax == Money("7.25", "USD")


def test_norwegian_voec_lines_have_no_duty(shipped_rules: RuleSet) -> None:
    result = quote(
        consignment(
            destination_country="NO",
            currency="NOK",
            lines=[Line("610910", "standard", 1, Money("500.00", "NOK"))],
        ),
        shipped_rules,
    )
    assert result.lines[0].duty_regime is DutyRegime.RELIEVED
    assert result.regimes == ("NO_VOEC",)


def test_a_destination_without_tariff_table_reports_duty_not_assessed(
    shipped_rules: RuleSet,
) -> None:
    result = quote(
        consignment(
            destination_country="MX",
            currency="MXN",
            lines=[Line("610910", "standard", 1, Money("1000.00", "MXN"))],
        ),
        shipped_rules,
    )
    assert result.lines[0].duty_regime is DutyRegime.NOT_ASSESSED
    assert any("not assessed" in note for note in result.notes)


def test_shopper_rate_below_the_eu_threshold_is_the_origin_rate(shipped_rules: RuleSet) -> None:
    below = shopper_rate(
        shipped_rules, "DE", "FR", "standard", AT, eu_distance_sales_over_threshold=False
    )
    above = shopper_rate(shipped_rules, "DE", "FR", "standard", AT)
    assert (below.rate, above.rate) == (Decimal(19), Decimal(20))


def test_shopper_rate_in_indonesia_is_the_effective_rate(shipped_rules: RuleSet) -> None:
    assert shopper_rate(shipped_rules, "CN", "ID", "standard", AT).rate == Decimal(11)


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        ("5.00", ["40", "10", "15"], ["3.08", "0.77", "1.15"]),
        ("0.01", ["1", "1", "1"], ["0.01", "0.00", "0.00"]),
        ("10.00", ["0", "0"], ["10.00", "0.00"]),
        ("0", ["3", "4"], ["0", "0"]),
    ],
)
def test_allocate_is_cent_exact(total: str, weights: list[str], expected: list[str]) -> None:
    shares = allocate(Decimal(total), [Decimal(w) for w in weights], Decimal("0.01"))
    assert shares == [Decimal(e) for e in expected]
    assert sum(shares) == Decimal(total)
