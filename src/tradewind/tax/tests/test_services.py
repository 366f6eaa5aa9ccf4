"""The service layer: shipped rules in the database, cached quoting, prices shoppers see,
and changing a rate by date."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from moneyed import Money

from tradewind.markets.services import set_rate
from tradewind.tax import services
from tradewind.tax.datafiles import (
    DATA_DIR,
    DUTY_RATES,
    JURISDICTIONS,
    TAX_RATES,
    THRESHOLDS,
    RuleFileError,
    read_file,
)
from tradewind.tax.engine import Consignment, Line
from tradewind.tax.errors import TaxInputError
from tradewind.tax.models import DutyRate, Jurisdiction, TaxRate, Threshold
from tradewind.tax.tests.conftest import FX_PER_EUR
from tradewind.tax.vatid import VatIdCheck, VatIdStatus

pytestmark = pytest.mark.django_db

AT = datetime(2025, 9, 1, 12, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def cart(**overrides: object) -> Consignment:
    values: dict[str, object] = {
        "origin_country": "CN",
        "destination_country": "DE",
        "lines": [
            Line("610910", "standard", 2, eur("25.00")),
            Line("620342", "standard", 1, eur("60.00")),
            Line("650500", "standard", 1, eur("15.00")),
        ],
        "at": AT,
        "currency": "EUR",
        "shipping": eur("7.50"),
        "ioss_number": "IM2760000001",
        "fx_per_eur": FX_PER_EUR,
    }
    values.update(overrides)
    return Consignment(**values)  # type: ignore[arg-type]


def test_the_migration_loaded_every_shipped_rule() -> None:
    for model, name in (
        (Jurisdiction, JURISDICTIONS),
        (TaxRate, TAX_RATES),
        (DutyRate, DUTY_RATES),
        (Threshold, THRESHOLDS),
    ):
        assert model.objects.count() == len(read_file(name)), name


def test_loading_again_changes_nothing() -> None:
    before = TaxRate.objects.count()
    result = services.load_tax_rules()
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == before + Jurisdiction.objects.count() + DutyRate.objects.count() + (
        Threshold.objects.count()
    )


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_an_edited_file_updates_the_row_in_place(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / JURISDICTIONS
    path.write_text(path.read_text(encoding="utf-8").replace(",Estonia,", ",Eesti,"), "utf-8")
    estonia = Jurisdiction.objects.get(country="EE")
    result = services.load_tax_rules(data)
    assert (result.created, result.updated) == (0, 1)
    assert Jurisdiction.objects.get(pk=estonia.pk).name == "Eesti"


def test_a_bad_file_loads_nothing(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / JURISDICTIONS).write_text(
        (data / JURISDICTIONS).read_text("utf-8").replace(",Estonia,", ",Eesti,"), "utf-8"
    )
    with (data / THRESHOLDS).open("a", encoding="utf-8") as handle:
        handle.write("pos_ceiling,EU,,-5,EUR,1,intrinsic,2030-01-01,,src,\n")
    with pytest.raises(RuleFileError):
        services.load_tax_rules(data)
    assert Jurisdiction.objects.get(country="EE").name == "Estonia"


def test_the_command_reports_counts_and_refuses_a_missing_directory(tmp_path: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command("load_tax_rules", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    with pytest.raises(CommandError, match="not a directory"):
        call_command("load_tax_rules", dir=tmp_path / "missing")


def test_a_quote_records_the_database_row_it_used() -> None:
    result = services.quote(cart())
    row = TaxRate.objects.get(country="DE", tax_class="standard", effective_from=date(2021, 7, 1))
    assert {ref.id for line in result.lines for ref in line.tax_rules} == {row.pk}
    assert result.regimes == ("EU_IOSS",)
    # Shipping 7.50 splits 3.00 / 3.60 / 0.90; rounded per line: 53.00 x 19% = 10.07,
    # 63.60 x 19% = 12.084 -> 12.08, 15.90 x 19% = 3.021 -> 3.02 (one rounding would give 25.18).
    assert [line.tax for line in result.lines] == [eur("10.07"), eur("12.08"), eur("3.02")]
    assert result.tax == eur("25.17")


def test_a_warm_quote_runs_no_query(django_assert_num_queries) -> None:
    services.rules()
    with django_assert_num_queries(0):
        services.quote(cart())


def test_without_given_rates_a_quote_reads_the_fx_table_once(django_assert_num_queries) -> None:
    set_rate("USD", Decimal("1.10"), AT - timedelta(days=1))
    services.rules()
    usd = Money("165.00", "USD")
    consignment = cart(
        currency="USD", lines=[Line("610910", "standard", 1, usd)], shipping=None, fx_per_eur={}
    )
    with django_assert_num_queries(1):
        result = services.quote(consignment)
    check = next(c for c in result.thresholds if c.key == "pos_ceiling")
    assert check.value == eur("150.00")
    assert result.regimes == ("EU_IOSS",)


def test_changing_a_rate_closes_the_old_row_and_applies_from_its_day() -> None:
    services.rules()  # warm: the change must invalidate it
    new = services.change_rate("DE", "standard", "VAT", Decimal(21), date(2027, 1, 1), "Test law")
    old = TaxRate.objects.get(country="DE", tax_class="standard", effective_from=date(2021, 7, 1))
    assert old.effective_to == date(2026, 12, 31)
    before = services.quote(cart(at=datetime(2026, 12, 31, 22, 59, tzinfo=UTC)))  # 23:59 Berlin
    after = services.quote(cart(at=datetime(2026, 12, 31, 23, 0, tzinfo=UTC)))  # 00:00 Berlin
    assert before.lines[0].tax_rate == Decimal(19)
    assert (after.lines[0].tax_rate, after.lines[0].tax_rules[0].id) == (Decimal(21), new.pk)


def test_a_second_rate_on_the_same_day_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        services.change_rate("DE", "standard", "VAT", Decimal(21), date(2021, 7, 1), "Test")
    assert "effective_from" in caught.value.message_dict


def test_changes_made_by_another_process_are_seen_after_the_recheck(monkeypatch) -> None:
    services.rules()
    # Another process's save: no signal here, only the tables' fingerprint changes.
    TaxRate.objects.filter(country="DE", tax_class="standard").update(
        rate=Decimal(18), updated_at=timezone.now()
    )
    assert services.quote(cart(origin_country="DE")).lines[0].tax_rate == Decimal(19)
    monkeypatch.setattr(services, "RECHECK_SECONDS", 0.0)
    assert services.quote(cart(origin_country="DE")).lines[0].tax_rate == Decimal(18)


class RecordingVerifier:
    def __init__(self, status: VatIdStatus) -> None:
        self.status = status
        self.seen: list[str] = []

    def verify(self, check: VatIdCheck) -> VatIdCheck:
        self.seen.append(check.number)
        return VatIdCheck(check.raw, check.number, check.country, self.status, "test", "vies")


def test_a_register_refusal_turns_a_b2b_sale_into_a_consumer_sale() -> None:
    verifier = RecordingVerifier(VatIdStatus.INVALID)
    result = services.quote(
        cart(origin_country="DE", destination_country="AT", customer_vat_id="ATU13585627"),
        verifier=verifier,
    )
    assert verifier.seen == ["ATU13585627"]
    assert result.regimes == ("EU_OSS",) and not result.b2b


def test_a_register_confirmation_keeps_the_reverse_charge() -> None:
    result = services.quote(
        cart(origin_country="DE", destination_country="AT", customer_vat_id="ATU13585627"),
        verifier=RecordingVerifier(VatIdStatus.VALID),
    )
    assert result.regimes == ("EU_REVERSE_CHARGE",)
    assert result.vat_id is not None and result.vat_id.status is VatIdStatus.VALID
    assert not any("not confirmed" in note for note in result.notes)


def test_non_eu_numbers_are_not_sent_to_the_eu_register() -> None:
    verifier = RecordingVerifier(VatIdStatus.VALID)
    gbp = Money("100.00", "GBP")
    services.quote(
        cart(
            destination_country="GB",
            currency="GBP",
            lines=[Line("610910", "standard", 1, gbp)],
            shipping=None,
            customer_vat_id="GB980780684",
        ),
        verifier=verifier,
    )
    assert verifier.seen == []


@pytest.mark.parametrize(
    ("destination", "display", "region", "amount", "tax"),
    [
        ("DE", "inclusive", "", "119.00", "19.00"),
        ("AT", "inclusive", "", "120.00", "20.00"),
        ("FR", "inclusive", "", "120.00", "20.00"),
        ("HU", "inclusive", "", "127.00", "27.00"),
        ("US", "exclusive", "", "100.00", "0.00"),
        ("CA", "inclusive", "BC", "105.00", "5.00"),
    ],
)
def test_home_tax_is_replaced_by_destination_tax(
    destination: str, display: str, region: str, amount: str, tax: str
) -> None:
    price = services.display_price(
        eur("119.00"), "standard", "DE", destination, display, True,
        destination_region=region, at=AT,
    )  # fmt: skip
    assert (price.amount, price.tax, price.net) == (eur(amount), eur(tax), eur("100.00"))
    assert price.includes_tax is (display == "inclusive")


def test_below_the_eu_threshold_shoppers_abroad_pay_the_home_rate() -> None:
    price = services.display_price(
        eur("119.00"), "standard", "DE", "FR", "inclusive", True,
        at=AT, eu_distance_sales_over_threshold=False,
    )  # fmt: skip
    assert (price.amount, price.tax_rate, price.tax_names) == (eur("119.00"), Decimal(19), ("VAT",))


def test_reduced_class_prices_convert_between_reduced_rates() -> None:
    price = services.display_price(eur("107.00"), "reduced", "DE", "FR", "inclusive", True, at=AT)
    assert price.amount == eur("105.50")


def test_net_base_prices_get_destination_tax_added() -> None:
    usd = Money("100.00", "USD")
    price = services.display_price(usd, "standard", "US", "GB", "inclusive", False, at=AT)
    assert price.amount == Money("120.00", "USD")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tax_display": "gross"}, "tax_display"),
        ({"base_price": eur("-1.00")}, "base_price"),
        ({"tax_class": "luxury"}, "tax_class"),
        ({"destination_country": "US"}, "destination_region"),
    ],
)
def test_display_price_errors_name_the_field(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "base_price": eur("119.00"),
        "tax_class": "standard",
        "origin_country": "DE",
        "destination_country": "FR",
        "tax_display": "inclusive",
        "base_includes_tax": True,
        "at": AT,
    }
    arguments.update(kwargs)
    with pytest.raises(TaxInputError) as caught:
        services.display_price(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
