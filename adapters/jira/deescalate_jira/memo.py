"""What a recent read of an issue showed, so the write that follows it need not read again.

The pipeline reads an issue with its comments and then applies one change to it. The write
must look for its note's marker before posting (a repeat must not post twice) and can skip
label operations that change nothing; both questions were answered by that read a moment ago.
A :class:`RecentReads` keeps, per issue and for ``ttl`` seconds, the labels, the priority and
the notes carrying markers. It forgets an issue whenever a write to it fails (a comment may
have been saved although the answer never came), and a new process starts empty, so a
restarted process always reads Jira before writing a note.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from deescalate.helpdesk import Comment, Priority, Ticket, TicketChange, find_note_marker

__all__ = ["RecentReads", "Seen"]


@dataclass(frozen=True, slots=True)
class Seen:
    """An issue as last read (or written) by this process."""

    at: float
    labels: frozenset[str] | None
    priority: Priority | None
    notes: dict[str, Comment] = field(default_factory=dict)
    complete: bool = True
    """True when ``notes`` holds every marked note (it came from a read of all comments)."""


class RecentReads:
    """A bounded, thread-safe map of issue key -> :class:`Seen`, trusted for ``ttl`` seconds."""

    def __init__(
        self, ttl: float, *, size: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._items: OrderedDict[str, Seen] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Seen | None:
        """The issue as seen within ``ttl`` seconds, or None."""
        with self._lock:
            seen = self._items.get(key)
            if seen is None or self._clock() - seen.at > self.ttl:
                self._items.pop(key, None)
                return None
            return seen

    def read(self, key: str, ticket: Ticket) -> None:
        """Remember what a read showed."""
        notes = {}
        for comment in ticket.comments:
            marker = find_note_marker(comment.body)
            if marker is not None:
                notes[marker] = comment
        self._put(key, Seen(self._clock(), ticket.tags, ticket.priority, notes))

    def wrote(
        self, key: str, change: TicketChange, note: Comment | None, marker: str | None
    ) -> None:
        """Fold a successful write into what is known (nothing is learnt when nothing was)."""
        seen = self.get(key)
        if seen is None:
            if note is None or marker is None:
                return
            seen = Seen(self._clock(), None, None, complete=False)
        labels = seen.labels
        if labels is not None:
            labels = (labels | change.tags_to_add) - change.remove_tags
        notes = dict(seen.notes)
        if note is not None and marker is not None:
            notes[marker] = note
        priority = change.priority or seen.priority
        self._put(key, replace(seen, labels=labels, priority=priority, notes=notes))

    def forget(self, key: str) -> None:
        """Drop what is known of an issue (after a failed or uncertain write)."""
        with self._lock:
            self._items.pop(key, None)

    def _put(self, key: str, seen: Seen) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._items[key] = seen
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
