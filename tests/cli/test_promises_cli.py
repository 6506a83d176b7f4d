"""``deescalate promises``: text and JSON output, JSON lines, and bad time zones."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.test_assess_cli import run_cli


def promises_from_berlin(text: str, *options: str) -> list[dict[str, Any]]:
    """The JSON promises of ``text`` sent on 2026-03-02 at 10:00 by an agent in Berlin."""
    done = run_cli(
        "promises", "--format", "json", "--sent-at", "2026-03-02T10:00", "--tz", "Europe/Berlin",
        *options, stdin=text,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    promises: list[dict[str, Any]] = json.loads(done.stdout)
    return promises


def test_json_output_has_iso_due_times() -> None:
    """--format json prints each promise with an ISO 8601 due time."""
    (promise,) = promises_from_berlin("I'll call you back by 3pm.")
    assert promise["action"] == "callback"
    assert promise["due_at"] == "2026-03-02T15:00:00+01:00"


def test_jsonl_batch_uses_each_lines_zone() -> None:
    """Each line's sent_at and tz are used; ids are kept."""
    lines = [
        {
            "id": 1,
            "text": "I'll call you at 3pm.",
            "sent_at": "2026-03-02T10:00",
            "tz": "America/New_York",
        },
        {"id": 2, "text": "Thanks!", "sent_at": "2026-03-02T10:00"},
    ]
    done = run_cli("promises", "--jsonl", stdin="\n".join(json.dumps(x) for x in lines))
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["promises"][0]["due_at"] == "2026-03-02T15:00:00-05:00"
    assert second == {"id": 2, "promises": []}


def test_unknown_time_zone_on_a_line_exits_2_naming_it() -> None:
    """A bad tz on line 2 is exit 2 naming the line and the zone."""
    lines = [{"text": "ok"}, {"text": "I'll call.", "tz": "Moon/Base"}]
    done = run_cli("promises", "--jsonl", stdin="\n".join(json.dumps(x) for x in lines))
    assert done.returncode == 2
    assert "line 2" in done.stderr
    assert "Moon/Base" in done.stderr


def test_bad_sent_at_exits_2() -> None:
    """A sent_at that is not ISO 8601 is refused."""
    done = run_cli("promises", "--sent-at", "yesterday-ish", stdin="I'll call.")
    assert done.returncode == 2
    assert "ISO 8601" in done.stderr


def test_customer_tz_reads_your_time_in_the_customers_zone() -> None:
    """--customer-tz makes '5pm your time' 17:00 in New York, printed in the agent's zone."""
    (promise,) = promises_from_berlin(
        "I'll call you at 5pm your time today.", "--customer-tz", "America/New_York"
    )
    assert promise["due_at"] == "2026-03-02T23:00:00+01:00"


def test_unknown_customer_tz_exits_2_on_one_line() -> None:
    """An unknown --customer-tz is refused with exit 2 and one line naming it."""
    done = run_cli("promises", "--customer-tz", "Mars/Base", stdin="I'll call you.")
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert "--customer-tz" in line
    assert "Mars/Base" in line


def test_a_lines_customer_tz_is_used_and_checked() -> None:
    """A line's customer_tz reads its 'your time'; an unknown one is exit 2 naming the line."""
    good = {
        "text": "I'll call you at 5pm your time today.",
        "sent_at": "2026-03-02T03:00",
        "tz": "Europe/London",
        "customer_tz": "Asia/Tokyo",
    }
    done = run_cli("promises", "--jsonl", stdin=json.dumps(good))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["promises"][0]["due_at"] == "2026-03-02T08:00:00+00:00"
    bad = [good, {**good, "customer_tz": "Moon/Base"}]
    done = run_cli("promises", "--jsonl", stdin="\n".join(json.dumps(x) for x in bad))
    assert done.returncode == 2
    assert "line 2" in done.stderr
    assert "Moon/Base" in done.stderr
