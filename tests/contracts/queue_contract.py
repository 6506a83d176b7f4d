"""The inbox and outbox part of the store contract (run on SQLite, PostgreSQL and memory).

Most behaviours are the same for both queues, so those tests run once per queue through
:class:`Queue`, which speaks the one queue's methods.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from deescalate.errors import StoreError
from deescalate.helpdesk import Delivery, Priority, Reminder, TicketChange
from deescalate.store import EntryState, InboxEntry, OutboxEntry, Store

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
CHANGE = TicketChange(
    add_tags={"deescalate-stage-angry"},
    remove_tags={"deescalate-stage-calm"},
    note="The customer is angry: acknowledge the delay first.",
    priority=Priority.HIGH,
    reminder=Reminder("deescalate-promise-due", NOW + timedelta(hours=3)),
)

Connect = Callable[[], Store]


def delivery(ident: str, *, system: str = "zendesk", body: bytes = b'{"id": 1}') -> Delivery:
    """A verified delivery with a signature header, received a second before NOW."""
    return Delivery(
        id=ident,
        system=system,
        received_at=NOW - timedelta(seconds=1),
        body=body,
        headers={"x-zendesk-webhook-signature": "c2lnbmF0dXJl"},
    )


@dataclass
class Queue:
    """One queue of a store, spoken through the same few calls for the inbox and the outbox."""

    store: Store
    name: str

    def add(self, ticket: str | None, ident: str, at: datetime = NOW) -> bool:
        if self.name == "inbox":
            return self.store.inbox_add(delivery(ident), ticket=ticket, at=at)
        assert ticket is not None, "outbox entries always name a ticket"
        return self.store.outbox_add(ticket, CHANGE, ident, at)

    def claim(
        self, worker: str, now: datetime = NOW, limit: int = 10, lease: timedelta = LEASE
    ) -> list[int]:
        method = self.store.inbox_claim if self.name == "inbox" else self.store.outbox_claim
        return [entry.seq for entry in method(now, worker, limit, lease)]

    def done(self, seq: int, worker: str, at: datetime = NOW) -> bool:
        method = self.store.inbox_done if self.name == "inbox" else self.store.outbox_done
        return method(seq, worker, at)

    def retry_later(
        self,
        seq: int,
        worker: str,
        *,
        retry_at: datetime = NOW + timedelta(minutes=1),
        error: str = "AdapterError: 503",
        park: bool = False,
    ) -> bool:
        method = (
            self.store.inbox_retry_later if self.name == "inbox" else self.store.outbox_retry_later
        )
        return method(seq, worker, retry_at=retry_at, error=error, at=NOW, park=park)

    def entries(self, state: EntryState | None = None) -> list[InboxEntry] | list[OutboxEntry]:
        if self.name == "inbox":
            return self.store.inbox_list(state=state)
        return self.store.outbox_list(state=state)

    def entry(self, seq: int) -> InboxEntry | OutboxEntry:
        (found,) = [entry for entry in self.entries() if entry.seq == seq]
        return found

    def counts(self) -> dict[EntryState, int]:
        return self.store.inbox_counts() if self.name == "inbox" else self.store.outbox_counts()

    def requeue(self, seqs: list[int] | None, at: datetime = NOW) -> int:
        method = self.store.inbox_requeue if self.name == "inbox" else self.store.outbox_requeue
        return method(seqs, at)


class QueueContract:
    """Subclasses provide ``store`` (empty, migrated) and ``connect`` (another handle on it)."""

    @pytest.fixture(params=["inbox", "outbox"])
    def queue(self, store: Store, request: pytest.FixtureRequest) -> Queue:
        return Queue(store, request.param)

    # --- the inbox ---------------------------------------------------------------------------------

    def test_inbox_keeps_the_delivery_as_received(self, store: Store) -> None:
        """Body bytes, headers, times and the ticket come back as they went in."""
        original = delivery("d1", body=b"\x00\xff raw \xe2\x9c\x93")
        assert store.inbox_add(original, ticket="zendesk:7", at=NOW)
        (entry,) = store.inbox_list()
        assert entry.delivery == original
        assert entry.delivery.headers["x-zendesk-webhook-signature"] == "c2lnbmF0dXJl"
        assert (entry.ticket, entry.state, entry.attempts, entry.last_error) == (
            "zendesk:7",
            EntryState.PENDING,
            0,
            None,
        )
        assert entry.next_try_at == NOW
        assert entry.updated_at == NOW

    def test_a_repeated_delivery_is_stored_once(self, store: Store) -> None:
        """The sender's retry (same system and id) adds nothing and changes nothing."""
        assert store.inbox_add(delivery("d1", body=b"first"), ticket="zendesk:1", at=NOW)
        assert not store.inbox_add(
            delivery("d1", body=b"second"), ticket="zendesk:2", at=NOW + timedelta(minutes=1)
        )
        (entry,) = store.inbox_list()
        assert (entry.delivery.body, entry.ticket, entry.updated_at) == (b"first", "zendesk:1", NOW)

    def test_the_same_delivery_id_from_another_system_is_another_delivery(
        self, store: Store
    ) -> None:
        """Delivery ids are the sender's: they are unique per system only."""
        assert store.inbox_add(delivery("d1", system="zendesk"), ticket=None, at=NOW)
        assert store.inbox_add(delivery("d1", system="jira"), ticket=None, at=NOW)
        assert store.inbox_counts()[EntryState.PENDING] == 2

    def test_deliveries_without_a_ticket_are_independent(self, store: Store) -> None:
        """Entries with no ticket never wait for one another."""
        for ident in ("d1", "d2", "d3"):
            store.inbox_add(delivery(ident), ticket=None, at=NOW)
        assert [e.seq for e in store.inbox_claim(NOW, "w1", 10, LEASE)] == [1, 2, 3]

    def test_inbox_refuses_naive_times(self, store: Store) -> None:
        """An inbox time without a zone is a StoreError."""
        with pytest.raises(StoreError, match="aware"):
            store.inbox_add(delivery("d1"), ticket=None, at=datetime(2026, 3, 2, 10, 0))

    # --- the outbox --------------------------------------------------------------------------------

    def test_outbox_keeps_the_change(self, store: Store) -> None:
        """Tags, note, priority and reminder come back as they went in."""
        assert store.outbox_add("zendesk:7", CHANGE, "ob1:remind", NOW)
        (entry,) = store.outbox_list()
        assert (entry.key, entry.ticket, entry.change) == ("ob1:remind", "zendesk:7", CHANGE)
        assert (entry.created_at, entry.updated_at, entry.next_try_at) == (NOW, NOW, NOW)

    def test_a_repeated_idempotency_key_is_stored_once(self, store: Store) -> None:
        """Adding a write whose key is stored adds nothing and changes nothing."""
        assert store.outbox_add("zendesk:1", CHANGE, "ob1:remind", NOW)
        assert not store.outbox_add(
            "zendesk:2", TicketChange(note="other"), "ob1:remind", NOW + timedelta(minutes=1)
        )
        (entry,) = store.outbox_list()
        assert (entry.ticket, entry.change, entry.created_at) == ("zendesk:1", CHANGE, NOW)

    def test_outbox_lists_by_ticket_and_state(self, store: Store) -> None:
        """The outbox filters by ticket and state together, oldest first."""
        for n, ticket in enumerate(["zendesk:1", "zendesk:2", "zendesk:1", "zendesk:1"]):
            store.outbox_add(ticket, CHANGE, f"k{n}", NOW)
        (first,) = store.outbox_claim(NOW, "w1", 1, LEASE)
        store.outbox_done(first.seq, "w1", NOW)
        assert [e.seq for e in store.outbox_list(ticket="zendesk:1")] == [1, 3, 4]
        pending = store.outbox_list(ticket="zendesk:1", state=EntryState.PENDING)
        assert [e.seq for e in pending] == [3, 4]
        assert [e.seq for e in store.outbox_list(ticket="zendesk:1", limit=2)] == [1, 3]

    # --- both queues -------------------------------------------------------------------------------

    def test_claim_takes_the_oldest_first(self, queue: Queue) -> None:
        """Entries of different tickets are leased in arrival order, up to the limit."""
        for n in range(5):
            queue.add(f"fake:{n}", f"k{n}")
        assert queue.claim("w1", limit=3) == [1, 2, 3]
        assert queue.claim("w2", limit=3) == [4, 5]

    def test_claim_keeps_each_ticket_in_order(self, queue: Queue) -> None:
        """A ticket's later entry waits until its earlier one is done."""
        queue.add("fake:1", "a")
        queue.add("fake:2", "b")
        queue.add("fake:1", "c")
        assert queue.claim("w1") == [1, 2]
        assert queue.claim("w2") == []
        assert queue.done(1, "w1")
        assert queue.claim("w2") == [3]

    def test_an_entry_waits_behind_an_earlier_one_that_waits_to_retry(self, queue: Queue) -> None:
        """A failed entry due again later still holds back its ticket's later entries."""
        queue.add("fake:1", "a")
        queue.add("fake:1", "b")
        queue.claim("w1")
        assert queue.retry_later(1, "w1", retry_at=NOW + timedelta(minutes=10))
        assert queue.claim("w1", now=NOW + timedelta(minutes=5)) == []
        assert queue.claim("w1", now=NOW + timedelta(minutes=10)) == [1]

    def test_a_parked_entry_no_longer_holds_back_its_ticket(self, queue: Queue) -> None:
        """Once an entry is parked, the ticket's next entry can be handled."""
        queue.add("fake:1", "a")
        queue.add("fake:1", "b")
        queue.claim("w1")
        assert queue.retry_later(1, "w1", park=True)
        assert queue.claim("w1") == [2]

    def test_claim_skips_entries_not_yet_due(self, queue: Queue) -> None:
        """An entry added for later is not leased before its time."""
        queue.add("fake:1", "a", at=NOW + timedelta(minutes=1))
        assert queue.claim("w1") == []
        assert queue.claim("w1", now=NOW + timedelta(minutes=1)) == [1]

    def test_a_leased_entry_is_not_claimed_again_until_its_lease_expires(
        self, queue: Queue
    ) -> None:
        """Another claimer gets nothing while the lease holds, and the entry once it expired."""
        queue.add("fake:1", "a")
        assert queue.claim("w1") == [1]
        assert queue.claim("w2", now=NOW + timedelta(minutes=4)) == []
        assert queue.claim("w2", now=NOW + timedelta(minutes=6)) == [1]

    def test_only_the_lease_owner_finishes_an_entry(self, queue: Queue) -> None:
        """A claimer whose lease was taken over can neither complete nor retry the entry."""
        queue.add("fake:1", "a")
        queue.claim("w1")
        queue.claim("w2", now=NOW + timedelta(minutes=6))
        assert not queue.done(1, "w1")
        assert not queue.retry_later(1, "w1")
        assert queue.entry(1).state is EntryState.PENDING
        assert queue.done(1, "w2")
        assert queue.entry(1).state is EntryState.DONE

    def test_an_entry_is_done_once(self, queue: Queue) -> None:
        """Completing a finished entry again reports False and changes nothing."""
        queue.add("fake:1", "a")
        queue.claim("w1")
        assert queue.done(1, "w1", at=NOW)
        assert not queue.done(1, "w1", at=NOW + timedelta(minutes=1))
        assert queue.entry(1).updated_at == NOW

    def test_an_entry_nobody_claimed_cannot_be_finished(self, queue: Queue) -> None:
        """Done and retry need a lease; an unknown seq is simply not finished."""
        queue.add("fake:1", "a")
        assert not queue.done(1, "w1")
        assert not queue.retry_later(1, "w1")
        assert not queue.done(99, "w1")

    def test_retry_later_counts_the_attempt_and_releases_the_lease(self, queue: Queue) -> None:
        """A failed try is counted, its error kept, and the entry due again at the retry time."""
        queue.add("fake:1", "a")
        queue.claim("w1")
        retry_at = NOW + timedelta(seconds=30)
        assert queue.retry_later(1, "w1", retry_at=retry_at, error="RateLimited: retry in 30s")
        entry = queue.entry(1)
        assert (entry.state, entry.attempts, entry.next_try_at, entry.last_error) == (
            EntryState.PENDING,
            1,
            retry_at,
            "RateLimited: retry in 30s",
        )
        assert queue.claim("w2", now=retry_at) == [1]

    def test_a_long_error_is_cut_short(self, queue: Queue) -> None:
        """last_error keeps a short message, not whatever a caller passed."""
        queue.add("fake:1", "a")
        queue.claim("w1")
        queue.retry_later(1, "w1", error="AdapterError: " + "x" * 5_000)
        last_error = queue.entry(1).last_error
        assert last_error is not None
        assert last_error.startswith("AdapterError: x")
        assert len(last_error) <= 500

    def test_parked_entries_wait_for_a_requeue(self, queue: Queue) -> None:
        """A parked entry is never claimed; requeued, it is pending with its attempts reset."""
        queue.add("fake:1", "a")
        queue.claim("w1")
        queue.retry_later(1, "w1")
        queue.claim("w1", now=NOW + timedelta(minutes=1))
        assert queue.retry_later(1, "w1", park=True, error="AdapterError: 500")
        parked = queue.entry(1)
        assert (parked.state, parked.attempts) == (EntryState.FAILED, 2)
        assert queue.claim("w2", now=NOW + timedelta(days=1)) == []
        later = NOW + timedelta(hours=1)
        assert queue.requeue(None, at=later) == 1
        requeued = queue.entry(1)
        assert (requeued.state, requeued.attempts, requeued.next_try_at) == (
            EntryState.PENDING,
            0,
            later,
        )
        assert queue.claim("w2", now=later) == [1]

    def test_requeue_moves_only_the_named_failed_entries(self, queue: Queue) -> None:
        """Requeueing named seqs leaves other failed entries and pending ones alone."""
        for n in range(3):
            queue.add(f"fake:{n}", f"k{n}")
        queue.claim("w1")
        queue.retry_later(1, "w1", park=True)
        queue.retry_later(2, "w1", park=True)
        assert queue.requeue([1, 3, 99]) == 1
        assert [e.seq for e in queue.entries(EntryState.FAILED)] == [2]
        assert queue.requeue([]) == 0

    def test_counts_name_every_state(self, queue: Queue) -> None:
        """Counts cover pending, done and failed, zeros included."""
        assert queue.counts() == dict.fromkeys(EntryState, 0)
        for n in range(4):
            queue.add(f"fake:{n}", f"k{n}")
        queue.claim("w1", limit=2)
        queue.done(1, "w1")
        queue.retry_later(2, "w1", park=True)
        assert queue.counts() == {EntryState.PENDING: 2, EntryState.DONE: 1, EntryState.FAILED: 1}

    def test_list_filters_by_state_and_limits(self, queue: Queue) -> None:
        """Listing is oldest first, by state, and stops at the limit."""
        for n in range(3):
            queue.add(f"fake:{n}", f"k{n}")
        queue.claim("w1", limit=1)
        queue.done(1, "w1")
        assert [e.seq for e in queue.entries(EntryState.PENDING)] == [2, 3]
        assert [e.seq for e in queue.entries(EntryState.DONE)] == [1]
        listed = (
            queue.store.inbox_list(limit=2)
            if queue.name == "inbox"
            else queue.store.outbox_list(limit=2)
        )
        assert [e.seq for e in listed] == [1, 2]

    def test_a_claim_of_nothing_takes_nothing(self, queue: Queue) -> None:
        """A limit below one leases nothing."""
        queue.add("fake:1", "a")
        assert queue.claim("w1", limit=0) == []
        assert queue.claim("w1") == [1]

    def test_concurrent_claimers_never_share_an_entry(self, queue: Queue, connect: Connect) -> None:
        """Four claimers on their own handles take every entry exactly once, tickets in order."""
        tickets = 12
        for n in range(60):
            queue.add(f"fake:{n % tickets}", f"k{n}")
        handled: list[tuple[str, int]] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(4)

        def claimer(worker: str) -> None:
            mine = Queue(connect(), queue.name)
            try:
                barrier.wait()
                while True:
                    seqs = mine.claim(worker, limit=3)
                    if not seqs:
                        if mine.counts()[EntryState.PENDING] == 0:
                            return
                        time.sleep(0.001)  # the rest is leased to others: let them finish
                        continue
                    for seq in seqs:
                        handled.append((worker, seq))
                        assert mine.done(seq, worker)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        assert sorted(seq for _, seq in handled) == list(range(1, 61))
        assert queue.counts()[EntryState.DONE] == 60
        for ticket in range(tickets):
            order = [seq for _, seq in handled if (seq - 1) % tickets == ticket]
            assert order == sorted(order)
