"""The shipped rule files: complete for the markets sold to, consistent, and checked on load."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tradewind.tax.datafiles import DATA_DIR, TAX_RATES, RuleFileError, ruleset_from_files
from tradewind.tax.rules import TAX_CLASSES, RuleSet

EU_27 = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip
US_STATES_AND_DC = 51
CA_PROVINCES_AND_TERRITORIES = 13
TODAY_IN_DATA = date(2026, 11, 22)


def test_the_eu_is_the_27_member_states(shipped_rules: RuleSet) -> None:
    assert shipped_rules.eu_members == EU_27


@pytest.mark.parametrize("on", [date(2021, 7, 1), date(2024, 1, 1), TODAY_IN_DATA])
def test_every_place_has_every_class_on_every_day_since_the_baseline(
    shipped_rules: RuleSet, on: date
) -> None:
    for country in shipped_rules.jurisdictions:
        regions = shipped_rules.regions(country) or frozenset({""})
        for region in regions:
            if country == "US" and on < date(2025, 1, 1):
                continue  # US state rates are loaded from 2025-01-01
            for tax_class in TAX_CLASSES:
                rate = shipped_rules.rate(country, region, tax_class, on)
                assert rate.rows, (country, region, tax_class)
                assert all(row.source for row in rate.rows)


def test_regions_cover_the_us_states_and_canadian_provinces(shipped_rules: RuleSet) -> None:
    assert len(shipped_rules.regions("US")) == US_STATES_AND_DC
    assert len(shipped_rules.regions("CA")) == CA_PROVINCES_AND_TERRITORIES


@pytest.mark.parametrize(
    ("country", "region", "tax_class", "on", "rate"),
    [
        ("EE", "", "standard", date(2025, 6, 30), "22"),
        ("EE", "", "standard", date(2025, 7, 1), "24"),
        ("RO", "", "standard", date(2025, 8, 1), "21"),
        ("RO", "", "reduced", date(2025, 8, 1), "11"),
        ("FI", "", "standard", date(2024, 9, 1), "25.5"),
        ("SK", "", "standard", date(2025, 1, 1), "23"),
        ("GB", "", "standard", TODAY_IN_DATA, "20"),
        ("GB", "", "reduced", TODAY_IN_DATA, "5"),
        ("GB", "", "zero", TODAY_IN_DATA, "0"),
        ("NO", "", "standard", TODAY_IN_DATA, "25"),
        ("CH", "", "standard", TODAY_IN_DATA, "8.1"),
        ("AU", "", "standard", TODAY_IN_DATA, "10"),
        ("NZ", "", "standard", TODAY_IN_DATA, "15"),
        ("CA", "AB", "standard", TODAY_IN_DATA, "5"),
        ("CA", "ON", "standard", TODAY_IN_DATA, "13"),
        ("CA", "BC", "standard", TODAY_IN_DATA, "12"),
        ("SG", "", "standard", TODAY_IN_DATA, "9"),
        ("JP", "", "standard", TODAY_IN_DATA, "10"),
        ("JP", "", "reduced", TODAY_IN_DATA, "8"),
        ("SA", "", "standard", TODAY_IN_DATA, "15"),
        ("AE", "", "standard", TODAY_IN_DATA, "5"),
        ("MX", "", "standard", TODAY_IN_DATA, "16"),
        ("ID", "", "standard", TODAY_IN_DATA, "11"),
        ("MY", "", "standard", TODAY_IN_DATA, "10"),
        ("TH", "", "standard", TODAY_IN_DATA, "7"),
        ("US", "CA", "standard", TODAY_IN_DATA, "7.25"),
        ("US", "OR", "standard", TODAY_IN_DATA, "0"),
    ],
)
def test_headline_rates(
    shipped_rules: RuleSet, country: str, region: str, tax_class: str, on: date, rate: str
) -> None:
    assert shipped_rules.rate(country, region, tax_class, on).rate == Decimal(rate)


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_an_overlapping_period_is_refused_with_its_line(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    with (data / TAX_RATES).open("a", encoding="utf-8") as handle:
        handle.write("DE,,standard,VAT,16,1/1,2025-01-01,,test source,\n")
    with pytest.raises(RuleFileError) as caught:
        ruleset_from_files(data)
    assert caught.value.file == TAX_RATES
    assert caught.value.column == "effective_from"
    assert "overlaps" in str(caught.value)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("DE,,standard,VAT,abc,1/1,2030-01-01,,src,", "rate"),
        ("DE,,luxury,VAT,19,1/1,2030-01-01,,src,", "tax_class"),
        ("DE,,standard,VAT,19,1/1,2030-01-01,2029-01-01,src,", "effective_to"),
        ("DE,,standard,VAT,19,13/12,2030-01-01,,src,", "taxable_base"),
        ("DE,,standard,VAT,19,1/1,2030-01-01,,,", "source"),
    ],
)
def test_a_bad_cell_is_refused_naming_file_line_and_column(
    tmp_path: Path, row: str, column: str
) -> None:
    data = _copy_data(tmp_path)
    lines = (data / TAX_RATES).read_text(encoding="utf-8").count("\n")
    with (data / TAX_RATES).open("a", encoding="utf-8") as handle:
        handle.write(row + "\n")
    with pytest.raises(RuleFileError) as caught:
        ruleset_from_files(data)
    assert (caught.value.line, caught.value.column) == (lines + 1, column)
