"""The report's figures over a scripted month equal what the script made and what the ledger says."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from deescalate.cli import main
from deescalate.records import MessageRole
from deescalate.stages import Stage
from deescalate.store import open_store
from tests.report.month import END, MONTH, START, Month

PERIOD = ["--since", START.isoformat(), "--until", END.isoformat()]


def report_json(month: Month, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    assert main(["report", "--db", month.database, *PERIOD, "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def listed(month: Month, capsys: pytest.CaptureFixture[str], *extra: str) -> list[Any]:
    argv = ["obligations", "list", "--db", month.database, "--format", "json", "--limit", "10000"]
    assert main([*argv, *extra]) == 0
    found: list[Any] = json.loads(capsys.readouterr().out)
    return [o for o in found if START.isoformat() <= o["created_at"] < END.isoformat()]


def test_the_json_names_its_period(month: Month, capsys: pytest.CaptureFixture[str]) -> None:
    """The period's start and end are the ones asked for, with their offsets."""
    period = report_json(month, capsys)["period"]
    assert (period["start"], period["end"]) == (START.isoformat(), END.isoformat())


def test_promises_are_counted_as_scripted(month: Month, capsys: pytest.CaptureFixture[str]) -> None:
    """Made, kept, broken and open promises are the script's, cancelled ones beside them."""
    promises = report_json(month, capsys)["promises"]
    assert {k: promises[k] for k in ("made", "kept", "broken", "open")} == MONTH["promises"]
    assert promises["cancelled"] == MONTH["cancelled"]


def test_promise_counts_agree_with_obligations_list(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each count equals what ``deescalate obligations list`` shows for the same period."""
    promises = report_json(month, capsys)["promises"]
    rows = [o for o in listed(month, capsys) if o["kind"] == "follow-through"]
    states = Counter(o["state"] for o in rows)
    assert promises["made"] == len(rows)
    assert (promises["kept"], promises["broken"], promises["cancelled"]) == (
        states["kept"],
        states["broken"],
        states["cancelled"],
    )
    assert promises["open"] == states["open"] + states["reminded"]


def test_follow_ups_agree_with_the_script_and_the_ledger(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """Follow-ups opened, done and recurred are the script's and the listed ledger's."""
    follow_ups = report_json(month, capsys)["follow_ups"]
    rows = [o for o in listed(month, capsys) if o["kind"] == "follow-up"]
    assert {k: follow_ups[k] for k in ("opened", "done", "recurred")} == MONTH["follow_ups"]
    assert follow_ups["opened"] == len(rows)
    assert follow_ups["done"] == sum(o["state"] == "kept" for o in rows)
    assert follow_ups["recurred"] == sum(o["outcome"] == "recurred" for o in rows)


def test_stages_count_every_recorded_customer_message(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stage counts add up to the script's customer messages, as the store recorded them."""
    stages = report_json(month, capsys)["stages"]
    store = open_store(month.database)
    recorded = Counter(
        r.stage.value
        for r in store.message_records(since=START, until=END)
        if r.role is MessageRole.CUSTOMER and r.stage is not None
    )
    store.close()
    assert sum(stages.values()) == MONTH["customer_messages"]
    assert stages == {stage.value: recorded[stage.value] for stage in Stage}


def test_days_add_up_to_the_period(month: Month, capsys: pytest.CaptureFixture[str]) -> None:
    """31 days in March; per-day stages and escalations sum to the period's totals."""
    data = report_json(month, capsys)
    days = data["days"]
    assert len(days) == 31
    for stage, total in data["stages"].items():
        assert sum(day["stages"][stage] for day in days) == total
    assert sum(day["escalations"] for day in days) == data["escalations"]
    assert data["escalations"] > 0
    assert data["deescalations"] > 0


def test_broken_promises_are_binned_by_lateness(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """The late reply falls in 4-24 h; the unanswered ones have no reply yet."""
    late = report_json(month, capsys)["promises"]["late"]
    assert {label: n for label, n in late.items() if n} == MONTH["late"]


def test_agents_count_promises_by_who_made_them(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each agent's promises made and broken are the ones the script had them make."""
    agents = {a["agent"]: a for a in report_json(month, capsys)["agents"]}
    made_broken = {name: (a["promises_made"], a["promises_broken"]) for name, a in agents.items()}
    assert made_broken == MONTH["agents"]


def test_difficult_contacts_count_angry_and_irate_messages_per_assignee(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """An agent's difficult contacts are the angry or irate customer messages on their tickets."""
    data = report_json(month, capsys)
    agents = {a["agent"]: a["difficult"] for a in data["agents"]}
    assert sum(agents.values()) == data["stages"]["angry"] + data["stages"]["irate"]
    assert all(a["difficult"] == sum(a["difficult_per_day"]) for a in data["agents"])
    assert agents["Cy"] == len(month.unanswered_irate)


def test_attention_lists_the_tickets_left_waiting(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """Broken promises with no reply since and unanswered irate customers, and nothing else."""
    attention = report_json(month, capsys)["attention"]
    by_reason = {(t["ticket"], t["reason"]) for t in attention}
    assert by_reason == {
        *((t, "broken promise, no reply since") for t in month.broken_without_reply),
        *((t, "irate and unanswered") for t in month.unanswered_irate),
    }


def test_rules_are_counted_without_examples_by_default(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    """The calm-down reply is counted per week, and no words are shown unless asked for."""
    rules = {r["rule"]: r for r in report_json(month, capsys)["rules"]}
    assert rules["tells-to-calm-down"]["replies"] == MONTH["calm_down_replies"]
    assert all("example" not in r for r in rules.values())


def test_examples_are_anonymised(month: Month, capsys: pytest.CaptureFixture[str]) -> None:
    """With --examples each rule has one example, its numbers replaced."""
    rules = report_json(month, capsys, "--examples")["rules"]
    examples = [r["example"] for r in rules]
    assert all(examples)
    assert not any(ch.isdigit() for text in examples for ch in text)


def test_a_page_is_written_with_every_chart(
    month: Month, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    """--out writes one HTML page holding the seven charts as inline SVG and no script."""
    out = tmp_path / "report.html"
    assert main(["report", "--db", month.database, *PERIOD, "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('<figure class="chart"') == 7
    assert page.count("<svg") == 7
    assert "<script" not in page
    assert not re.search(r"""(?:src|href)=["']?https?:|url\(\s*["']?https?:|@import|<link""", page)
