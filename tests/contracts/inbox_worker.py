"""A pipeline-like process for the inbox exactly-once test: ``python -m tests.contracts.inbox_worker``.

Each delivery it handles becomes the next outbox write of its ticket (key ``<ticket>:<n>``, a note
naming the delivery), written in one ``atomic()`` block with the inbox entry's done mark. A
process killed mid-block leaves neither; a delivery handled out of order or twice would show in
the outbox. With a third argument N the process handles N deliveries, then stops inside the
block of the next one, after its outbox write, prints ``stalled`` and waits to be killed.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta

from deescalate.helpdesk import TicketChange
from deescalate.store import EntryState, InboxEntry, Store, open_store

LEASE = timedelta(seconds=2)


class LeaseLostError(Exception):
    """The entry's lease passed to another process: abandon the block."""


def handle(store: Store, entry: InboxEntry, worker: str, *, stall: bool = False) -> None:
    """Turn one delivery into its ticket's next outbox write, and mark it done, together."""
    assert entry.ticket is not None
    now = datetime.now(UTC)
    with store.atomic():
        written = len(store.outbox_list(ticket=entry.ticket, limit=1_000_000))
        change = TicketChange(note=f"delivery {entry.delivery.id}")
        if not store.outbox_add(entry.ticket, change, f"{entry.ticket}:{written}", now):
            raise LeaseLostError(entry.seq)
        if stall:
            print("stalled", flush=True)
            time.sleep(600)  # killed here: between the outbox write and the done mark
        if not store.inbox_done(entry.seq, worker, now):
            raise LeaseLostError(entry.seq)


def main(url: str, worker: str, stall_after: str = "-1") -> int:
    store = open_store(url)
    handled = 0
    while True:
        claimed = store.inbox_claim(datetime.now(UTC), worker, 10, LEASE)
        if not claimed:
            if store.inbox_counts()[EntryState.PENDING] == 0:
                break
            time.sleep(0.02)  # what is left is leased to others, or waits behind it
            continue
        for entry in claimed:
            try:
                handle(store, entry, worker, stall=handled == int(stall_after))
                handled += 1
            except LeaseLostError:
                pass
    print(handled, flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
