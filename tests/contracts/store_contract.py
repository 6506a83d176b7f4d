"""The contract every Store must keep; run against SQLite, PostgreSQL and memory unchanged."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from deescalate.errors import StoreError
from deescalate.obligations.model import (
    Obligation,
    ObligationKind,
    ObligationState,
    Task,
    Transition,
    new_id,
    obligation_key,
)
from deescalate.store import LATEST_VERSION, EntryState, Store
from tests.contracts.message_contract import MessageContract
from tests.contracts.queue_contract import CHANGE, LEASE, QueueContract, delivery

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def make(
    ticket: str = "fake:1", *, due: datetime = NOW, key: str | None = None, task: Task = Task.BREAK
) -> Obligation:
    """A follow-through obligation whose next task is due at ``due``."""
    return Obligation(
        id=new_id(),
        key=key or obligation_key(ObligationKind.FOLLOW_THROUGH, ticket, new_id()),
        kind=ObligationKind.FOLLOW_THROUGH,
        ticket=ticket,
        source="I'll call you back by 3pm.",
        due_at=due,
        action="callback",
        comment_id="c1",
        span=(0, 25),
        next_task=task,
        next_action_at=due,
        created_at=due - timedelta(hours=2),
    )


class AbandonedError(Exception):
    """Raised inside an atomic block to abandon it."""


def abandon(store: Store, *writes: Callable[[], object]) -> None:
    """Make ``writes`` in an atomic block, then abandon the block with AbandonedError."""
    with store.atomic():
        for write in writes:
            write()
        raise AbandonedError


class StoreContract(QueueContract, MessageContract):
    """Subclasses provide ``store`` (an empty, migrated store) and ``connect`` (a callable that
    opens another handle on the same store, closed by the fixture)."""

    def test_the_store_speaks_the_protocol(self, store: Store) -> None:
        """The store has every method of the Store protocol."""
        assert isinstance(store, Store)

    def test_migrated_to_the_latest_version(self, store: Store) -> None:
        """A new store is at the latest schema version."""
        assert store.schema_version() == LATEST_VERSION

    def test_checkpoints_are_stored_and_replaced(self, store: Store) -> None:
        """A named checkpoint reads back, is replaced by a later value, and others stay apart."""
        assert store.get_checkpoint("backfill:x") is None
        store.set_checkpoint("backfill:x", "cursor-1", NOW)
        store.set_checkpoint("backfill:x", "cursor-2", NOW + timedelta(minutes=1))
        store.set_checkpoint("backfill:y", "other", NOW)
        assert store.get_checkpoint("backfill:x") == "cursor-2"
        assert store.get_checkpoint("backfill:y") == "other"

    def test_a_checkpoint_in_a_failed_atomic_block_is_not_kept(self, store: Store) -> None:
        """A checkpoint written inside an atomic block that fails is rolled back with it."""
        store.set_checkpoint("job", "before", NOW)
        with pytest.raises(AbandonedError):
            abandon(store, lambda: store.set_checkpoint("job", "after", NOW))
        assert store.get_checkpoint("job") == "before"

    def test_add_and_get_round_trip(self, store: Store) -> None:
        """What goes in comes back, times as aware UTC datetimes."""
        original = make()
        stored, created = store.add(original)
        assert created
        fetched = store.get(original.id)
        assert fetched.due_at == original.due_at
        assert fetched.due_at.tzinfo is not None
        assert (fetched.ticket, fetched.action, fetched.span, fetched.next_task) == (
            "fake:1",
            "callback",
            (0, 25),
            Task.BREAK,
        )
        assert stored.id == original.id

    def test_the_owner_of_a_promise_round_trips(self, store: Store) -> None:
        """Who owes a follow-through comes back as stored, one by one and in bulk."""
        team = dataclasses.replace(make(), owner="team")
        carrier = dataclasses.replace(make(), owner="third-party")
        store.add(team)
        store.add_many([carrier, make()])
        assert store.get(team.id).owner == "team"
        assert store.get(carrier.id).owner == "third-party"

    def test_add_is_idempotent_on_the_key(self, store: Store) -> None:
        """The same promise seen twice is one obligation."""
        first, created_first = store.add(make(key="same"))
        second, created_second = store.add(make(key="same"))
        assert created_first
        assert not created_second
        assert second.id == first.id
        assert len(store.search()) == 1

    def test_get_unknown_is_a_store_error(self, store: Store) -> None:
        """An unknown id is a StoreError naming it."""
        with pytest.raises(StoreError, match="nope"):
            store.get("nope")

    def test_search_filters(self, store: Store) -> None:
        """Filters by state, ticket and due time."""
        store.add(make("fake:1", due=NOW))
        store.add(make("fake:2", due=NOW + timedelta(days=1)))
        kept = store.add(make("fake:2", due=NOW + timedelta(days=2)))[0]
        store.transition(kept.id, Transition(ObligationState.KEPT, "kept"), NOW)
        assert [o.ticket for o in store.search(ticket="fake:2")] == ["fake:2", "fake:2"]
        assert len(store.search(due_before=NOW + timedelta(hours=1))) == 1
        assert [o.id for o in store.search(state=ObligationState.KEPT)] == [kept.id]

    def test_obligation_counts_cover_every_state(self, store: Store) -> None:
        """Counts by state, with a zero for every state that has no obligation."""
        store.add(make("fake:1"))
        store.add(make("fake:2"))
        kept = store.add(make("fake:3"))[0]
        store.transition(kept.id, Transition(ObligationState.KEPT, "kept"), NOW)
        counts = store.obligation_counts()
        assert counts[ObligationState.OPEN] == 2
        assert counts[ObligationState.KEPT] == 1
        assert set(counts) == set(ObligationState)
        assert sum(counts.values()) == 3

    def test_transition_records_history(self, store: Store) -> None:
        """A transition changes the state and adds an event."""
        ob = store.add(make())[0]
        after = store.transition(
            ob.id, Transition(ObligationState.CANCELLED, "cancelled", "no longer needed"), NOW
        )
        assert after.state is ObligationState.CANCELLED
        assert [(e.kind, e.detail) for e in after.history][-1] == ("cancelled", "no longer needed")
        assert store.active_for_ticket("fake:1") == []

    def test_claim_takes_only_due_items_in_due_order(self, store: Store) -> None:
        """Only obligations whose next action is due are claimed, earliest first."""
        late = store.add(make(due=NOW - timedelta(hours=1)))[0]
        early = store.add(make(due=NOW - timedelta(hours=3)))[0]
        store.add(make(due=NOW + timedelta(hours=1)))
        claimed = store.claim_due(NOW, "w1", 10, timedelta(minutes=5))
        assert [o.id for o in claimed] == [early.id, late.id]

    def test_claimed_items_are_not_claimed_again_until_the_lease_expires(
        self, store: Store
    ) -> None:
        """A lease keeps other workers off; an expired lease lets them reclaim (nothing lost)."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        assert [o.id for o in store.claim_due(NOW, "w1", 10, timedelta(minutes=5))] == [ob.id]
        assert store.claim_due(NOW + timedelta(minutes=1), "w2", 10, timedelta(minutes=5)) == []
        reclaimed = store.claim_due(NOW + timedelta(minutes=6), "w2", 10, timedelta(minutes=5))
        assert [o.id for o in reclaimed] == [ob.id]

    def test_complete_needs_the_lease(self, store: Store) -> None:
        """A worker that lost its lease cannot complete; the owner can, once."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.claim_due(NOW, "w1", 10, timedelta(minutes=5))
        store.claim_due(NOW + timedelta(minutes=6), "w2", 10, timedelta(minutes=5))
        broken = Transition(ObligationState.BROKEN, "broken")
        assert not store.complete(ob.id, "w1", broken, NOW, task=Task.BREAK)
        assert store.complete(ob.id, "w2", broken, NOW, task=Task.BREAK)
        assert store.get(ob.id).state is ObligationState.BROKEN
        assert store.dispatch_count(ob.id) == 1

    def test_release_reschedules(self, store: Store) -> None:
        """A released obligation is due again at the retry time, not before."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.claim_due(NOW, "w1", 10, timedelta(minutes=5))
        assert store.release(ob.id, "w1", NOW + timedelta(minutes=10), "RateLimited", at=NOW)
        assert store.claim_due(NOW + timedelta(minutes=9), "w1", 10, timedelta(minutes=5)) == []
        assert (
            len(store.claim_due(NOW + timedelta(minutes=10), "w1", 10, timedelta(minutes=5))) == 1
        )
        assert any(e.kind == "retry" for e in store.get(ob.id).history)

    def test_final_states_are_never_claimed(self, store: Store) -> None:
        """Kept, broken and cancelled obligations leave the due queue."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.transition(ob.id, Transition(ObligationState.KEPT, "kept"), NOW)
        assert store.claim_due(NOW, "w1", 10, timedelta(minutes=5)) == []

    def test_add_many_bulk_loads(self, store: Store) -> None:
        """Bulk loading counts only new obligations."""
        items = [make(f"fake:{i}") for i in range(50)]
        assert store.add_many(items) == 50
        assert store.add_many(items[:10]) == 0

    def test_naive_datetimes_are_refused(self, store: Store) -> None:
        """The store only takes aware datetimes."""
        with pytest.raises(StoreError, match="aware"):
            store.add(make(due=datetime(2026, 3, 2, 10, 0)))

    # --- times come from the caller --------------------------------------------------------------

    def test_an_obligation_without_created_at_is_refused(self, store: Store) -> None:
        """The store never invents a creation time: none given is a StoreError."""
        undated = dataclasses.replace(make(), created_at=None)
        with pytest.raises(StoreError, match="created_at"):
            store.add(undated)
        with pytest.raises(StoreError, match="created_at"):
            store.add_many([make(), undated])
        assert store.search() == []

    def test_release_records_the_time_it_is_given(self, store: Store) -> None:
        """The retry event carries the caller's time, not the wall clock's."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.claim_due(NOW, "w1", 10, LEASE)
        store.release(ob.id, "w1", NOW + timedelta(minutes=10), "RateLimited", at=NOW)
        retries = [e for e in store.get(ob.id).history if e.kind == "retry"]
        assert [(e.at, e.detail) for e in retries] == [(NOW, "RateLimited")]

    def test_release_needs_the_lease(self, store: Store) -> None:
        """A worker without the lease cannot release, and nothing is recorded."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.claim_due(NOW, "w1", 10, LEASE)
        assert not store.release(ob.id, "w2", NOW, "RateLimited", at=NOW)
        assert [e.kind for e in store.get(ob.id).history] == []

    def test_an_id_stored_under_another_key_is_refused(self, store: Store) -> None:
        """Two obligations cannot share an id."""
        first = store.add(make())[0]
        with pytest.raises(StoreError):
            store.add(dataclasses.replace(make(), id=first.id))

    # --- atomic() ----------------------------------------------------------------------------------

    def test_writes_inside_atomic_are_kept_when_it_ends(self, store: Store) -> None:
        """A block that ends normally commits every write made in it."""
        with store.atomic():
            store.add(make())
            store.inbox_add(delivery("d1"), ticket="fake:1", at=NOW)
            store.outbox_add("fake:1", CHANGE, "k1", NOW)
        assert len(store.search()) == 1
        assert store.inbox_counts()[EntryState.PENDING] == 1
        assert store.outbox_counts()[EntryState.PENDING] == 1

    def test_an_exception_inside_atomic_leaves_no_trace(self, store: Store) -> None:
        """Ledger changes, an outbox entry and the inbox entry's done mark all vanish together."""
        store.inbox_add(delivery("d1"), ticket="fake:1", at=NOW)
        (entry,) = store.inbox_claim(NOW, "w1", 10, LEASE)
        kept = store.add(make())[0]
        done: list[bool] = []
        with pytest.raises(AbandonedError):
            abandon(
                store,
                lambda: store.add(make("fake:2")),
                lambda: store.transition(kept.id, Transition(ObligationState.KEPT, "kept"), NOW),
                lambda: store.outbox_add("fake:1", CHANGE, "k1", NOW),
                lambda: done.append(store.inbox_done(entry.seq, "w1", NOW)),
            )
        assert done == [True]
        assert [o.id for o in store.search()] == [kept.id]
        assert store.get(kept.id).state is ObligationState.OPEN
        assert store.outbox_list() == []
        assert store.inbox_list()[0].state is EntryState.PENDING
        assert store.inbox_done(entry.seq, "w1", NOW)

    def test_a_failing_store_call_inside_atomic_undoes_the_block(self, store: Store) -> None:
        """A StoreError raised by a call in the block rolls back the writes before it."""

        def add_then_fail() -> None:
            with store.atomic():
                store.add(make())
                store.get("missing")

        with pytest.raises(StoreError, match="missing"):
            add_then_fail()
        assert store.search() == []

    def test_an_inner_block_that_fails_undoes_only_its_own_writes(self, store: Store) -> None:
        """Nested blocks: the outer one keeps its writes when an inner one is abandoned."""
        with store.atomic():
            outer = store.add(make("fake:1"))[0]
            with pytest.raises(AbandonedError):
                abandon(
                    store,
                    lambda: store.add(make("fake:2")),
                    lambda: store.outbox_add("fake:2", CHANGE, "k2", NOW),
                )
            store.outbox_add("fake:1", CHANGE, "k1", NOW)
        assert [o.id for o in store.search()] == [outer.id]
        assert [e.key for e in store.outbox_list()] == ["k1"]

    def test_an_outer_block_that_fails_undoes_its_inner_blocks(self, store: Store) -> None:
        """Writes of a finished inner block still vanish when the outer block fails."""

        def inner_block() -> None:
            with store.atomic():
                store.add(make())
                store.inbox_add(delivery("d1"), ticket=None, at=NOW)

        with pytest.raises(AbandonedError):
            abandon(store, inner_block)
        assert store.search() == []
        assert store.inbox_list() == []

    def test_the_store_works_after_an_abandoned_block(self, store: Store) -> None:
        """A rolled-back block leaves the store ready for the next call."""
        with pytest.raises(AbandonedError):
            abandon(store, lambda: store.add(make(key="k")))
        assert store.add(make(key="k"))[1]
        with store.atomic():
            store.add(make())
        assert len(store.search()) == 2

    def test_another_threads_write_is_not_part_of_the_block(self, store: Store) -> None:
        """A write from another thread during a block survives the block's rollback."""
        started = threading.Event()

        def other_thread() -> None:
            started.set()
            store.outbox_add("fake:9", CHANGE, "other", NOW)

        thread = threading.Thread(target=other_thread)

        def start_the_other_thread() -> None:
            thread.start()
            started.wait(timeout=10)
            time.sleep(0.05)  # give the other thread the chance to write (it must wait)

        with pytest.raises(AbandonedError):
            abandon(
                store,
                lambda: store.outbox_add("fake:1", CHANGE, "mine", NOW),
                start_the_other_thread,
            )
        thread.join(timeout=30)
        assert [e.key for e in store.outbox_list()] == ["other"]


class SQLStoreContract(StoreContract):
    """What the database stores add: their claims read index ranges, not tables."""

    def test_claim_plan_uses_the_due_index(self, store: Store) -> None:
        """The claim query reads the partial due index, not the whole table."""
        plan = store.explain_claim(NOW, 100)
        assert "obligations_due" in plan

    @pytest.mark.parametrize("table", ["inbox", "outbox"])
    def test_queue_claim_plan_reads_indexes_only(
        self, store: Store, table: Literal["inbox", "outbox"]
    ) -> None:
        """The queue claim walks the pending index in order and never scans a whole table."""
        plan = store.explain_claim(NOW, 100, queue=table)
        assert re.search(rf"\b{table}_pending\b", plan), plan
        assert "Seq Scan" not in plan, plan  # PostgreSQL's whole-table scan
        assert not re.search(r"^(SCAN|SEARCH) \w+$", plan, re.MULTILINE), plan  # SQLite's
