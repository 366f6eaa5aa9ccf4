"""Arrival windows in business days, from warehouse readiness, cutoff and transit time."""

from datetime import date, datetime, time

import pytest

from tradewind.shipping.eta import (
    add_business_days,
    arrival_window,
    dispatch_date,
    next_business_day,
)

# 2026-11-16 is a Monday, 2026-11-20 a Friday.
MONDAY_MORNING = datetime(2026, 11, 16, 9, 30)


def test_ready_before_the_cutoff_ships_the_same_day() -> None:
    assert dispatch_date(datetime(2026, 11, 16, 13, 59)) == date(2026, 11, 16)


def test_ready_at_or_after_the_cutoff_ships_the_next_business_day() -> None:
    assert dispatch_date(datetime(2026, 11, 16, 14, 0)) == date(2026, 11, 17)
    assert dispatch_date(datetime(2026, 11, 16, 23, 59)) == date(2026, 11, 17)


def test_friday_afternoon_ships_on_monday() -> None:
    assert dispatch_date(datetime(2026, 11, 20, 15, 0)) == date(2026, 11, 23)


@pytest.mark.parametrize("day", [21, 22])
def test_weekend_orders_ship_on_monday_whatever_the_hour(day: int) -> None:
    assert dispatch_date(datetime(2026, 11, day, 8, 0)) == date(2026, 11, 23)


def test_cutoff_is_a_parameter() -> None:
    evening = datetime(2026, 11, 16, 16, 0)

    assert dispatch_date(evening, cutoff=time(17, 0)) == date(2026, 11, 16)
    assert dispatch_date(evening, cutoff=time(12, 0)) == date(2026, 11, 17)


def test_handling_days_are_business_days_after_the_start() -> None:
    # Starts Friday, two days of handling: Monday, Tuesday.
    assert dispatch_date(datetime(2026, 11, 20, 9, 0), handling_days=2) == date(2026, 11, 24)


def test_window_counts_transit_in_business_days() -> None:
    # Ships Monday; 2-5 business days: Wednesday to the next Monday.
    window = arrival_window(MONDAY_MORNING, min_days=2, max_days=5)

    assert (window.earliest, window.latest) == (date(2026, 11, 18), date(2026, 11, 23))


def test_same_day_delivery_arrives_on_the_dispatch_day() -> None:
    window = arrival_window(MONDAY_MORNING, min_days=0, max_days=0)

    assert window.earliest == window.latest == date(2026, 11, 16)


def test_window_runs_across_the_year_end() -> None:
    # Thursday 31 Dec 2026 after the cutoff ships Friday 1 Jan 2027; 1-3 days: Mon 4 to Wed 6.
    window = arrival_window(datetime(2026, 12, 31, 15, 0), min_days=1, max_days=3)

    assert (window.earliest, window.latest) == (date(2027, 1, 4), date(2027, 1, 6))


def test_holidays_are_skipped_like_weekends() -> None:
    holidays = {date(2026, 12, 25), date(2027, 1, 1)}

    # Thursday 24 Dec after the cutoff: Christmas is closed, so dispatch is Monday 28.
    window = arrival_window(
        datetime(2026, 12, 24, 15, 0), min_days=2, max_days=4, holidays=holidays
    )

    assert (window.earliest, window.latest) == (date(2026, 12, 30), date(2027, 1, 4))


def test_zero_business_days_from_a_weekend_rolls_to_monday() -> None:
    assert add_business_days(date(2026, 11, 21), 0) == date(2026, 11, 23)


def test_next_business_day_is_strictly_after() -> None:
    assert next_business_day(date(2026, 11, 16)) == date(2026, 11, 17)


@pytest.mark.parametrize(("low", "high"), [(-1, 2), (3, 2)])
def test_impossible_transit_ranges_are_refused(low: int, high: int) -> None:
    with pytest.raises(ValueError, match="0 <= min <= max"):
        arrival_window(MONDAY_MORNING, min_days=low, max_days=high)


def test_negative_handling_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        dispatch_date(MONDAY_MORNING, handling_days=-1)
