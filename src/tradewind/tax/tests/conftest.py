from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tradewind.tax.datafiles import ruleset_from_files
from tradewind.tax.rules import RuleSet

# Units per euro, round figures so expected amounts can be worked out by hand.
FX_PER_EUR = {
    "USD": Decimal("1.10"),
    "GBP": Decimal("0.85"),
    "AUD": Decimal("1.60"),
    "NOK": Decimal("11.50"),
    "CHF": Decimal("0.95"),
    "CAD": Decimal("1.50"),
    "JPY": Decimal("160"),
    "SGD": Decimal("1.45"),
    "NZD": Decimal("1.80"),
    "MYR": Decimal("5.00"),
    "IDR": Decimal("17000"),
    "THB": Decimal("38"),
    "SAR": Decimal("4.125"),
    "MXN": Decimal("20"),
}


@pytest.fixture(scope="session")
def shipped_rules() -> RuleSet:
    return ruleset_from_files()


@pytest.fixture(autouse=True)
def _fresh_rule_cache() -> Iterator[None]:
    # A test's transaction is rolled back without signals: start and end with no cached rules.
    from tradewind.tax.services import invalidate_rules

    invalidate_rules()
    yield
    invalidate_rules()
