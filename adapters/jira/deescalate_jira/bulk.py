"""Many changes at once: Cloud's bulk edit for label changes shared by several issues, one
``apply`` per issue for the rest (and everywhere on Data Center, which has no bulk edit).

Cloud's bulk edit (``POST /rest/api/3/bulk/issues/fields``) runs as a task: one call submits the
labels to add for up to 1,000 issues, one more the labels to remove, and the task is polled
until it ends. When the task reports failures the group falls back to one ``PUT`` per issue, so
each issue gets its own outcome.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deescalate.errors import AdapterError, AuthError, HelpdeskError, RateLimited
from deescalate.helpdesk import BulkOutcome, TicketChange, TicketRef

if TYPE_CHECKING:
    from deescalate_jira.helpdesk import JiraHelpdesk

__all__ = ["BULK_LIMIT", "apply_many"]

log = logging.getLogger("deescalate.jira")

BULK_LIMIT = 1000
_ENDED = frozenset({"COMPLETE", "FAILED", "CANCELLED", "DEAD"})


def apply_many(
    desk: JiraHelpdesk, changes: Sequence[tuple[TicketRef, TicketChange]]
) -> list[BulkOutcome]:
    """One outcome per change, in order; label-only changes shared by issues go in bulk."""
    outcomes: dict[int, BulkOutcome] = {}
    groups: dict[tuple[frozenset[str], frozenset[str]], list[int]] = {}
    singles: list[int] = []
    for index, (_, change) in enumerate(changes):
        if desk.is_cloud and _labels_only(change):
            shared = (frozenset(change.add_tags), frozenset(change.remove_tags))
            groups.setdefault(shared, []).append(index)
        else:
            singles.append(index)
    for (add, remove), indexes in groups.items():
        if len(indexes) < 2:
            singles.extend(indexes)
            continue
        for first in range(0, len(indexes), BULK_LIMIT):
            part = indexes[first : first + BULK_LIMIT]
            refs = [changes[i][0] for i in part]
            if _bulk_labels(desk, refs, add, remove):
                outcomes.update({i: BulkOutcome(changes[i][0], ok=True) for i in part})
            else:
                singles.extend(part)
    for index in sorted(singles):
        ref, change = changes[index]
        outcomes[index] = _one(desk, ref, change)
    return [outcomes[i] for i in range(len(changes))]


def _labels_only(change: TicketChange) -> bool:
    return bool(change.add_tags or change.remove_tags) and not (
        change.note or change.priority or change.reminder
    )


def _one(desk: JiraHelpdesk, ref: TicketRef, change: TicketChange) -> BulkOutcome:
    try:
        desk.apply(ref, change)
    except (RateLimited, AuthError):
        raise  # the whole run must wait or stop, not record a failure per issue
    except HelpdeskError as exc:
        return BulkOutcome(ref, ok=False, error=str(exc))
    return BulkOutcome(ref, ok=True)


def _bulk_labels(
    desk: JiraHelpdesk, refs: list[TicketRef], add: frozenset[str], remove: frozenset[str]
) -> bool:
    """Add then remove labels on ``refs`` in bulk; False when some issue failed (or the task
    did not end in time), so the caller writes them one by one."""
    keys = [desk._key(ref) for ref in refs]
    for option, labels in (("ADD", add), ("REMOVE", remove)):
        if not labels:
            continue
        try:
            task = desk.http.post(
                "/rest/api/3/bulk/issues/fields",
                {
                    "selectedIssueIdsOrKeys": keys,
                    "selectedActions": ["labels"],
                    "editedFieldsInput": {
                        "labelsFields": [
                            {
                                "fieldId": "labels",
                                "bulkEditMultiSelectFieldOption": option,
                                "labels": [{"name": label} for label in sorted(labels)],
                            }
                        ]
                    },
                    "sendBulkNotification": desk.settings.notify,
                },
            )
        except (RateLimited, AuthError):
            raise
        except HelpdeskError as exc:
            log.info("jira bulk edit refused (%s); writing issue by issue", exc)
            return False
        if not _succeeded(desk, str(task.get("taskId", "")), len(keys)):
            return False
    return True


def _succeeded(desk: JiraHelpdesk, task_id: str, count: int) -> bool:
    if not task_id:
        raise AdapterError("Jira accepted a bulk edit but sent no taskId")
    deadline = time.monotonic() + desk.settings.bulk_timeout
    while True:
        progress: Any = desk.http.get(f"/rest/api/3/bulk/queue/{task_id}")
        status = progress.get("status")
        if status in _ENDED:
            break
        if time.monotonic() >= deadline:
            log.info("jira bulk task %s still %s; writing issue by issue", task_id, status)
            return False
        time.sleep(desk.settings.bulk_poll_interval)  # an async task, not a rate limit
    failed = progress.get("failedAccessibleIssues") or {}
    invalid = int(progress.get("invalidOrInaccessibleIssueCount") or 0)
    done = len(progress.get("processedAccessibleIssues") or ())
    if status != "COMPLETE" or failed or invalid or done < count:
        log.info("jira bulk task %s: %s, %d of %d done", task_id, status, done, count)
        return False
    return True
