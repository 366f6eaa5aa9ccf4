"""Delivery promises: the window in which a parcel arrives, counted in business days.

Pure date arithmetic. ``ready_at`` is wall-clock time at the dispatching warehouse, so
the dispatch cutoff compares like with like; the caller converts time zones.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DEFAULT_CUTOFF = time(14, 0)
_SATURDAY = 5


@dataclass(frozen=True)
class ArrivalWindow:
    earliest: date
    latest: date


def is_business_day(day: date, holidays: Collection[date] = frozenset()) -> bool:
    return day.weekday() < _SATURDAY and day not in holidays


def next_business_day(day: date, holidays: Collection[date] = frozenset()) -> date:
    """The first business day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int, holidays: Collection[date] = frozenset()) -> date:
    """``count`` business days after ``day``; a non-business start first rolls forward, so
    zero days from a Saturday is the Monday."""
    if count < 0:
        raise ValueError(f"Cannot add a negative number of business days ({count}).")
    if not is_business_day(day, holidays):
        day = next_business_day(day, holidays)
    for _ in range(count):
        day = next_business_day(day, holidays)
    return day


def dispatch_date(
    ready_at: datetime,
    *,
    handling_days: int = 0,
    cutoff: time = DEFAULT_CUTOFF,
    holidays: Collection[date] = frozenset(),
) -> date:
    """The day the parcel leaves the warehouse.

    Work that arrives at or after the cutoff, or on a day the warehouse is closed, starts
    the next business day; handling then takes ``handling_days`` more business days.
    """
    if handling_days < 0:
        raise ValueError(f"Handling cannot take a negative number of days ({handling_days}).")
    start = ready_at.date()
    if not is_business_day(start, holidays) or ready_at.time() >= cutoff:
        start = next_business_day(start, holidays)
    return add_business_days(start, handling_days, holidays)


def arrival_window(
    ready_at: datetime,
    *,
    min_days: int,
    max_days: int,
    handling_days: int = 0,
    cutoff: time = DEFAULT_CUTOFF,
    holidays: Collection[date] = frozenset(),
) -> ArrivalWindow:
    """When a parcel ready at ``ready_at`` arrives, given the carrier's transit range."""
    if min_days < 0 or max_days < min_days:
        raise ValueError(f"Transit days must satisfy 0 <= min <= max (got {min_days}-{max_days}).")
    shipped = dispatch_date(ready_at, handling_days=handling_days, cutoff=cutoff, holidays=holidays)
    return ArrivalWindow(
        earliest=add_business_days(shipped, min_days, holidays),
        latest=add_business_days(shipped, max_days, holidays),
    )
