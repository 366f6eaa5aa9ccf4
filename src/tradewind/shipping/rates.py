"""Shipping rate cards: what a parcel of a given weight and order subtotal costs.

Pure arithmetic over Decimals, in the currency of the market that owns the card; the
caller attaches the currency. ``None`` means the method is not offered for this parcel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class RateKind(StrEnum):
    FLAT = "flat"
    WEIGHT = "weight"
    FREE_OVER = "free_over"


@dataclass(frozen=True)
class Bracket:
    """Parcels up to and including ``up_to_grams`` cost ``price``."""

    up_to_grams: int
    price: Decimal


@dataclass(frozen=True)
class RateCard:
    kind: RateKind
    flat_price: Decimal | None = None
    free_over: Decimal | None = None
    # Sorted by limit; for a free-over card they also set the heaviest parcel it takes.
    brackets: tuple[Bracket, ...] = ()


def bracket_price(brackets: Sequence[Bracket], weight_grams: int) -> Decimal | None:
    """The price of the lightest bracket that covers the weight; None above the last one."""
    for bracket in sorted(brackets, key=lambda b: b.up_to_grams):
        if weight_grams <= bracket.up_to_grams:
            return bracket.price
    return None


def price_for(card: RateCard, *, weight_grams: int, subtotal: Decimal) -> Decimal | None:
    """What the shopper pays for shipping under ``card``, or None if it cannot ship.

    A free-over card charges its brackets (when it has any) or its flat price below the
    threshold and nothing from the threshold on; its brackets still cap the weight, since
    a parcel too heavy for the service cannot be sent for free either.
    """
    if weight_grams < 0:
        raise ValueError("A parcel cannot weigh less than nothing.")
    if card.kind is RateKind.FLAT:
        return card.flat_price
    by_weight = bracket_price(card.brackets, weight_grams) if card.brackets else None
    if card.kind is RateKind.WEIGHT:
        return by_weight
    if card.brackets and by_weight is None:
        return None
    if card.free_over is not None and subtotal >= card.free_over:
        return Decimal(0)
    return by_weight if card.brackets else card.flat_price


def bracket_problems(brackets: Sequence[Bracket]) -> list[str]:
    """Why a set of brackets makes no sense, in the order the brackets are given."""
    problems: list[str] = []
    previous: Bracket | None = None
    for bracket in brackets:
        if bracket.up_to_grams <= 0:
            problems.append(f"A bracket limit must be above 0 g (got {bracket.up_to_grams} g).")
        if bracket.price < 0:
            problems.append(f"The price for up to {bracket.up_to_grams} g cannot be negative.")
        if previous is not None:
            if bracket.up_to_grams <= previous.up_to_grams:
                problems.append(
                    f"Weight limits must increase: {bracket.up_to_grams} g follows "
                    f"{previous.up_to_grams} g."
                )
            elif bracket.price < previous.price:
                problems.append(
                    f"A heavier parcel cannot cost less: up to {bracket.up_to_grams} g costs "
                    f"{bracket.price}, up to {previous.up_to_grams} g costs {previous.price}."
                )
        previous = bracket
    return problems


def card_problems(card: RateCard, *, brackets_known: bool = True) -> dict[str, str]:
    """Configuration errors by field ("flat_price", "free_over", "brackets").

    With ``brackets_known=False`` (a method being edited before its brackets are saved)
    only the rules that do not depend on the brackets are checked.
    """
    problems: dict[str, str] = {}
    for name, value in (("flat_price", card.flat_price), ("free_over", card.free_over)):
        if value is not None and value < 0:
            problems[name] = "Cannot be negative."
    if card.kind is RateKind.FLAT:
        if card.flat_price is None:
            problems["flat_price"] = "A flat rate needs a price."
        if brackets_known and card.brackets:
            problems["brackets"] = "A flat rate has no weight brackets; remove them."
    elif card.kind is RateKind.WEIGHT:
        if card.flat_price is not None:
            problems["flat_price"] = (
                "A weight-based rate is priced by its weight brackets; leave this empty."
            )
        if brackets_known and not card.brackets:
            problems["brackets"] = "A weight-based rate needs at least one weight bracket."
    else:
        if card.free_over is None:
            problems["free_over"] = "A free-over rate needs the subtotal from which it is free."
        if brackets_known and card.flat_price is None and not card.brackets:
            problems["flat_price"] = (
                "Give the price charged below the threshold, as a flat price or weight brackets."
            )
        if brackets_known and card.flat_price is not None and card.brackets:
            problems["flat_price"] = (
                "Charge below the threshold either a flat price or by weight brackets, not both."
            )
    if brackets_known and card.brackets and "brackets" not in problems:
        found = bracket_problems(card.brackets)
        if found:
            problems["brackets"] = " ".join(found)
    return problems
