"""Rate cards: flat, by weight bracket, and free from a subtotal on."""

from decimal import Decimal

import pytest

from tradewind.shipping.rates import (
    Bracket,
    RateCard,
    RateKind,
    bracket_price,
    bracket_problems,
    card_problems,
    price_for,
)

D = Decimal
BRACKETS = (Bracket(500, D("4.90")), Bracket(2000, D("6.90")), Bracket(10000, D("12.90")))


def test_flat_rate_ignores_weight_and_subtotal() -> None:
    card = RateCard(RateKind.FLAT, flat_price=D("5.00"))

    assert price_for(card, weight_grams=0, subtotal=D(0)) == D("5.00")
    assert price_for(card, weight_grams=50_000, subtotal=D(9999)) == D("5.00")


@pytest.mark.parametrize(
    ("grams", "price"),
    [(0, D("4.90")), (1, D("4.90")), (500, D("4.90")), (501, D("6.90")), (2000, D("6.90"))],
)
def test_weight_rate_takes_the_first_bracket_that_covers_the_parcel(
    grams: int, price: Decimal
) -> None:
    card = RateCard(RateKind.WEIGHT, brackets=BRACKETS)

    assert price_for(card, weight_grams=grams, subtotal=D(0)) == price


def test_a_parcel_exactly_at_the_last_limit_ships_one_gram_more_does_not() -> None:
    card = RateCard(RateKind.WEIGHT, brackets=BRACKETS)

    assert price_for(card, weight_grams=10000, subtotal=D(0)) == D("12.90")
    assert price_for(card, weight_grams=10001, subtotal=D(0)) is None


def test_brackets_are_matched_by_limit_whatever_order_they_come_in() -> None:
    assert bracket_price(tuple(reversed(BRACKETS)), 700) == D("6.90")


def test_weight_rate_without_brackets_ships_nothing() -> None:
    assert price_for(RateCard(RateKind.WEIGHT), weight_grams=100, subtotal=D(0)) is None


@pytest.mark.parametrize(
    ("subtotal", "price"),
    [(D("49.99"), D("5.00")), (D("50.00"), D(0)), (D("50.01"), D(0))],
)
def test_free_over_is_free_from_exactly_the_threshold(subtotal: Decimal, price: Decimal) -> None:
    card = RateCard(RateKind.FREE_OVER, flat_price=D("5.00"), free_over=D("50.00"))

    assert price_for(card, weight_grams=1000, subtotal=subtotal) == price


def test_free_over_charges_by_weight_below_the_threshold_when_it_has_brackets() -> None:
    card = RateCard(RateKind.FREE_OVER, free_over=D(50), brackets=BRACKETS)

    assert price_for(card, weight_grams=1500, subtotal=D(20)) == D("6.90")
    assert price_for(card, weight_grams=1500, subtotal=D(50)) == D(0)


def test_free_over_keeps_the_weight_limit_of_its_brackets() -> None:
    card = RateCard(RateKind.FREE_OVER, free_over=D(50), brackets=BRACKETS)

    assert price_for(card, weight_grams=10001, subtotal=D(500)) is None


def test_negative_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="less than nothing"):
        price_for(RateCard(RateKind.FLAT, flat_price=D(1)), weight_grams=-1, subtotal=D(0))


def test_increasing_brackets_are_fine() -> None:
    assert bracket_problems(BRACKETS) == []


def test_bracket_limits_must_increase() -> None:
    problems = bracket_problems([Bracket(2000, D(5)), Bracket(2000, D(6))])

    assert problems == ["Weight limits must increase: 2000 g follows 2000 g."]


def test_heavier_bracket_cannot_be_cheaper() -> None:
    problems = bracket_problems([Bracket(500, D(6)), Bracket(1000, D(5))])

    assert problems == [
        "A heavier parcel cannot cost less: up to 1000 g costs 5, up to 500 g costs 6."
    ]


def test_bracket_limit_and_price_must_be_positive() -> None:
    assert bracket_problems([Bracket(0, D(-1))]) == [
        "A bracket limit must be above 0 g (got 0 g).",
        "The price for up to 0 g cannot be negative.",
    ]


@pytest.mark.parametrize(
    ("card", "problems"),
    [
        (RateCard(RateKind.FLAT), {"flat_price": "A flat rate needs a price."}),
        (
            RateCard(RateKind.FLAT, flat_price=D(5), brackets=BRACKETS),
            {"brackets": "A flat rate has no weight brackets; remove them."},
        ),
        (
            RateCard(RateKind.WEIGHT),
            {"brackets": "A weight-based rate needs at least one weight bracket."},
        ),
        (
            RateCard(RateKind.WEIGHT, flat_price=D(5), brackets=BRACKETS),
            {
                "flat_price": "A weight-based rate is priced by its weight brackets; "
                "leave this empty."
            },
        ),
        (
            RateCard(RateKind.FREE_OVER, flat_price=D(5)),
            {"free_over": "A free-over rate needs the subtotal from which it is free."},
        ),
        (
            RateCard(RateKind.FREE_OVER, free_over=D(50)),
            {
                "flat_price": "Give the price charged below the threshold, as a flat price "
                "or weight brackets."
            },
        ),
        (
            RateCard(RateKind.FREE_OVER, flat_price=D(5), free_over=D(50), brackets=BRACKETS),
            {
                "flat_price": "Charge below the threshold either a flat price or by weight "
                "brackets, not both."
            },
        ),
        (RateCard(RateKind.FLAT, flat_price=D(-1)), {"flat_price": "Cannot be negative."}),
    ],
)
def test_inconsistent_cards_are_refused_by_field(card: RateCard, problems: dict) -> None:
    assert card_problems(card) == problems


def test_valid_cards_have_no_problems() -> None:
    assert card_problems(RateCard(RateKind.FLAT, flat_price=D(5))) == {}
    assert card_problems(RateCard(RateKind.WEIGHT, brackets=BRACKETS)) == {}
    assert card_problems(RateCard(RateKind.FREE_OVER, free_over=D(50), brackets=BRACKETS)) == {}


def test_bracket_rules_wait_until_the_brackets_are_known() -> None:
    assert card_problems(RateCard(RateKind.WEIGHT), brackets_known=False) == {}
