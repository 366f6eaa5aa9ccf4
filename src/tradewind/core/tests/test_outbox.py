"""The outbox keeps an event exactly when its change is committed, and delivers it until a
consumer has handled it."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from tradewind.core.models import OutboxEvent
from tradewind.core.outbox import OutboxError, dispatch_pending, emit, emit_many


class Abort(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_an_event_emitted_in_a_rolled_back_transaction_is_not_stored() -> None:
    with pytest.raises(Abort), transaction.atomic():
        emit("order.paid", {"number": "TW-1"})
        raise Abort

    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_emitted_in_a_committed_transaction_is_stored() -> None:
    with transaction.atomic():
        emit("order.paid", {"number": "TW-1"})

    assert list(OutboxEvent.objects.values_list("topic", "payload")) == [
        ("order.paid", {"number": "TW-1"})
    ]


@pytest.mark.django_db(transaction=True)
def test_emitting_outside_a_transaction_is_refused() -> None:
    with pytest.raises(OutboxError, match=r"inside transaction\.atomic"):
        emit("order.paid", {})
    with pytest.raises(OutboxError):
        emit_many([("order.paid", {}, None)])

    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_an_event_names_its_aggregate(admin_user) -> None:
    event = emit("staff.changed", {"why": "test"}, aggregate=admin_user)

    assert (event.aggregate_type, event.aggregate_id) == ("auth.user", str(admin_user.pk))


@pytest.mark.django_db
def test_many_events_are_written_in_one_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        emit_many([("a.b", {"n": n}, None) for n in range(50)])

    assert OutboxEvent.objects.count() == 50


@pytest.mark.django_db
def test_dispatch_hands_pending_events_over_in_order_and_marks_them() -> None:
    events = [emit("order.paid", {"n": n}) for n in range(3)]
    seen: list[int] = []

    handled = dispatch_pending({"order.paid": lambda e: seen.append(e.payload["n"])}, batch=2)

    assert handled == 2
    assert seen == [0, 1]
    assert dispatch_pending({"order.paid": lambda e: seen.append(e.payload["n"])}) == 1
    assert seen == [0, 1, 2]
    for event in events:
        event.refresh_from_db()
        assert event.processed_at is not None
        assert event.attempts == 1
    assert dispatch_pending({"order.paid": lambda e: seen.append(e.payload["n"])}) == 0


@pytest.mark.django_db
def test_a_failing_handler_does_not_lose_the_event() -> None:
    event = emit("order.paid", {"number": "TW-1"})
    other = emit("order.paid", {"number": "TW-2"})

    def fragile(e: OutboxEvent) -> None:
        if e.payload["number"] == "TW-1":
            raise ConnectionError("mail server down")

    assert dispatch_pending({"order.paid": fragile}) == 1

    event.refresh_from_db()
    other.refresh_from_db()
    assert event.processed_at is None
    assert event.attempts == 1
    assert event.last_error == "ConnectionError: mail server down"
    assert other.processed_at is not None

    assert dispatch_pending({"order.paid": lambda e: None}) == 1
    event.refresh_from_db()
    assert event.processed_at is not None
    assert (event.attempts, event.last_error) == (2, "")


@pytest.mark.django_db
def test_a_failing_handlers_own_writes_are_rolled_back() -> None:
    emit("order.paid", {})

    def half_done(e: OutboxEvent) -> None:
        emit("loyalty.points", {"points": 10})
        raise ValueError("crashed after writing")

    dispatch_pending({"order.paid": half_done})

    assert not OutboxEvent.objects.filter(topic="loyalty.points").exists()


@pytest.mark.django_db
def test_events_without_a_consumer_wait_for_one() -> None:
    waiting = emit("order.refunded", {})
    emit("order.paid", {})

    assert dispatch_pending({"order.paid": lambda e: None}) == 1
    waiting.refresh_from_db()
    assert waiting.processed_at is None and waiting.attempts == 0
    assert dispatch_pending({}) == 0


@pytest.mark.django_db
def test_an_event_failing_too_often_is_set_aside() -> None:
    poison = emit("order.paid", {})

    def broken(e: OutboxEvent) -> None:
        raise RuntimeError("bug")

    for _ in range(3):
        dispatch_pending({"order.paid": broken}, max_attempts=3)
    assert dispatch_pending({"order.paid": lambda e: None}, max_attempts=3) == 0

    poison.refresh_from_db()
    assert (poison.attempts, poison.processed_at) == (3, None)


@pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="SQLite serialises writers instead of locking rows",
)
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_never_handle_the_same_event() -> None:
    with transaction.atomic():
        emit_many([("order.paid", {"n": n}, None) for n in range(4)])
    first_started = threading.Event()
    release_first = threading.Event()
    seen: dict[str, list[int]] = {"first": [], "second": []}

    def slow(e: OutboxEvent) -> None:
        seen["first"].append(e.payload["n"])
        first_started.set()
        release_first.wait(timeout=10)

    def run_first() -> None:
        try:
            dispatch_pending({"order.paid": slow}, batch=2)
        finally:
            connection.close()

    worker = threading.Thread(target=run_first)
    worker.start()
    assert first_started.wait(timeout=10)

    handled = dispatch_pending({"order.paid": lambda e: seen["second"].append(e.payload["n"])})
    release_first.set()
    worker.join()

    assert handled == 2
    assert seen == {"first": [0, 1], "second": [2, 3]}
    assert not OutboxEvent.objects.filter(processed_at__isnull=True).exists()


@pytest.mark.django_db
def test_staff_can_send_failing_events_round_again(admin_client) -> None:
    failing = emit("order.paid", {})
    OutboxEvent.objects.filter(pk=failing.pk).update(attempts=10, last_error="boom")

    admin_client.post(
        reverse("admin:core_outboxevent_changelist"),
        {"action": "retry", "_selected_action": [failing.pk]},
    )

    assert dispatch_pending({"order.paid": lambda e: None}) == 1
    listing = admin_client.get(
        reverse("admin:core_outboxevent_changelist"), {"delivery": "failing"}
    )
    assert listing.context["cl"].result_count == 0
