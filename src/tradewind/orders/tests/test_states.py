"""The order lifecycle allows exactly the moves in its table and explains every refusal."""

from itertools import pairwise, product

import pytest

from tradewind.orders.states import (
    FINAL,
    TRANSITIONS,
    IllegalTransition,
    Status,
    allowed_next,
    check,
)

PAIRS = list(product(Status, repeat=2))
LEGAL = [(a, b) for a, b in PAIRS if b in TRANSITIONS[a]]
ILLEGAL = [(a, b) for a, b in PAIRS if b not in TRANSITIONS[a]]


def test_the_table_covers_every_status_and_names_only_known_ones() -> None:
    assert set(TRANSITIONS) == set(Status)
    assert all(set(targets) <= set(Status) for targets in TRANSITIONS.values())


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_every_legal_move_is_allowed(current: Status, target: Status) -> None:
    check(current.value, target.value)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_move_is_refused_naming_both_statuses(
    current: Status, target: Status
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check(current.value, target.value)

    assert f"'{current}'" in str(refused.value)
    assert f"'{target}'" in str(refused.value)
    assert (refused.value.current, refused.value.target) == (current, target)


def test_a_refusal_lists_the_moves_that_are_allowed() -> None:
    with pytest.raises(
        IllegalTransition,
        match=r"^An order that is 'delivered' cannot "
        r"become 'paid'\. Allowed next: return_requested\.$",
    ):
        check("delivered", "paid")


def test_final_statuses_say_they_are_final() -> None:
    assert {Status.REFUNDED, Status.CANCELLED} == FINAL
    with pytest.raises(IllegalTransition, match="'cancelled' is final"):
        check("cancelled", "paid")


def test_no_status_moves_to_itself() -> None:
    assert all(status not in TRANSITIONS[status] for status in Status)


def test_the_happy_path_and_the_return_path_are_walkable() -> None:
    path = [
        "pending_payment",
        "paid",
        "partially_fulfilled",
        "fulfilled",
        "delivered",
        "return_requested",
        "returned",
        "partially_refunded",
        "return_requested",
        "returned",
        "refunded",
    ]
    for current, target in pairwise(path):
        check(current, target)


def test_unknown_statuses_are_refused_with_the_known_ones() -> None:
    with pytest.raises(IllegalTransition, match="'shipped' is not an order status; known: "):
        check("paid", "shipped")
    with pytest.raises(IllegalTransition, match="'lost' is not an order status"):
        check("lost", "paid")


def test_allowed_next_follows_the_table() -> None:
    assert allowed_next("paid") == ("partially_fulfilled", "fulfilled", "cancelled")
    assert allowed_next("refunded") == ()
