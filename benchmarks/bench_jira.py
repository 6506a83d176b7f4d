"""API calls the Jira adapter makes, counted on the local fake (Cloud and Data Center).

* One comment event on the common path (a read with comments, then the stage labels and a
  keyed internal note), its replay, and a change that writes nothing new; once-per-process
  reads (``serverInfo``, ``myself``) are reported apart.
* A backfill over 2,000 issues: every export page, then the same stage label change applied
  to all of them with ``apply_many``, as the core's backfill drives it. Reported per issue.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deescalate_jira import JiraHelpdesk
from deescalate_jira.testing import FakeJiraServer

from deescalate.helpdesk import TicketChange, TicketRef

__all__ = ["run"]

ONCE = ("/rest/api/2/serverInfo", "/rest/api/2/myself", "/rest/api/2/field")
STAGE = TicketChange(
    add_tags={"deescalate-stage-angry"},
    remove_tags={"deescalate-stage-upset"},
    note="Stage: angry. Acknowledge first.",
)


def _per_event(fake: FakeJiraServer, internal: str) -> list[str]:
    desk = JiraHelpdesk(fake.settings(internal=internal))
    key = fake.add_issue(
        comments=[("customer", "Where is my refund?")], labels=["deescalate-stage-upset"]
    )
    body = fake.comment_event(key, fake.add_comment(key, "customer", "Still waiting!!"))
    fake.reset_log()
    ref = TicketRef("jira", key)
    events = desk.parse_webhook(fake.signed(body, "d-1"), body)
    desk.get_ticket(events[0].ref)
    applied = desk.apply(ref, STAGE, idempotency_key="d-1:0")
    once = sum(1 for r in fake.requests if r.path in ONCE)
    event_calls = fake.calls() - once
    fake.reset_log()
    desk.get_ticket(ref)
    replay = desk.apply(ref, STAGE, idempotency_key="d-1:0")
    replay_calls = fake.calls()
    fake.reset_log()
    same = desk.apply(ref, TicketChange(add_tags={"deescalate-stage-angry"}))
    echo = fake.comment_event(key, fake.comments(key)[-1])
    fake.reset_log()
    echoed = desk.parse_webhook(fake.signed(echo, "d-2"), echo)
    desk.close()
    mode = "cloud" if fake.cloud else "data center"
    return [
        f"{mode} ({internal}), one comment event: {event_calls} calls "
        f"(read {event_calls - applied.calls}, apply {applied.calls}); "
        f"once per process: {once}",
        f"{mode} ({internal}), replayed delivery: {replay_calls} calls (a read; apply "
        f"{replay.calls}, replayed={replay.replayed}); unchanged labels: {same.calls}; "
        f"echo of its own note: {len(echoed)} events, {fake.calls()} calls",
    ]


def _backfill(fake: FakeJiraServer, count: int, internal: str) -> list[str]:
    desk = JiraHelpdesk(fake.settings(internal=internal))
    keys = [
        fake.add_issue(comments=[("customer", "It broke."), ("agent", "Looking.")])
        for _ in range(count)
    ]
    desk.is_cloud  # noqa: B018 - once per process, reported apart
    fake.reset_log()
    since = datetime.now(UTC) - timedelta(days=30)
    cursor = None
    exported = 0
    while True:
        page = desk.export_tickets(since=since, cursor=cursor)
        exported += len(page.tickets)
        if page.done:
            break
        cursor = page.cursor
    reads = fake.calls("GET") - sum(1 for r in fake.requests if r.path in ONCE)
    fake.reset_log()
    change = TicketChange(
        add_tags={"deescalate-stage-calm"}, remove_tags={"deescalate-stage-upset"}
    )
    outcomes = desk.apply_many([(TicketRef("jira", k), change) for k in keys])
    writes = fake.calls()
    desk.close()
    mode = "cloud" if fake.cloud else "data center"
    ok = sum(o.ok for o in outcomes)
    return [
        f"{mode} ({internal}) backfill of {exported} issues: {reads} reads ({reads / count:.3f} per issue); "
        f"labels on {ok}: {writes} calls ({writes / count:.3f} per issue)"
    ]


def run(quick: bool) -> list[str]:
    count = 400 if quick else 2000
    lines: list[str] = []
    for cloud, internal in ((True, "jsm"), (False, "jsm"), (False, "role:Developers")):
        with FakeJiraServer(cloud=cloud) as fake:
            lines += _per_event(fake, internal)
    for cloud, internal in ((True, "jsm"), (False, "role:Developers"), (False, "jsm")):
        with FakeJiraServer(cloud=cloud) as fake:
            lines += _backfill(fake, count, internal)
    return lines
