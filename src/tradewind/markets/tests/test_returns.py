"""The statutory withdrawal period a market must give, from the countries it sells to."""

import pytest

from tradewind.markets.returns import return_days_problem, statutory_return_days_for


@pytest.mark.parametrize("country", ["DE", "FR", "GR", "IE", "SE", "RE", "NO", "IS", "LI", "GB"])
def test_eu_eea_and_uk_shoppers_have_fourteen_days(country: str) -> None:
    assert statutory_return_days_for([country]) == 14


@pytest.mark.parametrize("country", ["US", "JP", "AE", "SG", "CH"])
def test_other_countries_have_no_general_statutory_period(country: str) -> None:
    assert statutory_return_days_for([country]) == 0


def test_a_market_gives_the_longest_period_of_its_countries() -> None:
    assert statutory_return_days_for(["US", "ca", "de"]) == 14
    assert statutory_return_days_for([]) == 0


def test_too_short_a_period_names_the_countries_and_the_minimum() -> None:
    problem = return_days_problem(0, ["ch", "DE", "AT"])

    assert problem is not None
    assert "AT, DE" in problem
    assert "CH" not in problem
    assert "at least 14" in problem


def test_a_long_enough_period_is_fine() -> None:
    assert return_days_problem(14, ["DE"]) is None
    assert return_days_problem(30, ["GB"]) is None
    assert return_days_problem(0, ["US"]) is None
