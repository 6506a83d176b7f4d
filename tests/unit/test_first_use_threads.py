"""The lazily built packs, models and defaults are safe to use first from several threads at once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Runs in a fresh interpreter, so nothing is built before the threads start: each of 8 threads
# assesses, coaches, suggests macros and finds promises at the same moment, then the same work
# is repeated on one thread and the answers compared.
SCRIPT = textwrap.dedent(
    """
    import json, threading
    from datetime import datetime, timezone

    from deescalate import assess
    from deescalate.coach import lint_reply
    from deescalate.conversation import Conversation
    from deescalate.macros import MacroValues, suggest_macros
    from deescalate.promises import find_promises

    CUSTOMER = "This is the THIRD time I write!!! Nobody listens and I want a refund now."
    REPLY = "Calm down. As I said, I will call you back tomorrow by 3pm."
    VALUES = MacroValues(customer_name="Ana", agent_name="Sam", company="Acme")
    SENT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

    def work():
        assessment = assess(CUSTOMER)
        findings = lint_reply(REPLY, CUSTOMER)
        suggestions = suggest_macros(
            Conversation.of([("customer", CUSTOMER)]), VALUES, seed="s"
        )
        promises = find_promises(REPLY, SENT, "Europe/Berlin")
        return [
            assessment.stage.value,
            sorted(s.code for s in assessment.signals),
            sorted(f.code for f in findings),
            [(s.macro, s.variant, s.text) for s in suggestions],
            [p.due_at.isoformat() if p.due_at else None for p in promises],
        ]

    start = threading.Barrier(8)
    answers, errors = [], []

    def thread():
        start.wait()
        try:
            answers.append(work())
        except Exception as exc:
            errors.append(f"{exc.__class__.__name__}: {exc}")

    threads = [threading.Thread(target=thread) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"errors": errors, "answers": answers, "again": work()}))
    """
)


def test_eight_threads_on_first_use_all_get_the_same_answers() -> None:
    """No thread fails on first concurrent use and every thread's answer equals a later one's."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(done.stdout)
    assert result["errors"] == []
    assert len(result["answers"]) == 8
    assert all(answer == result["again"] for answer in result["answers"])
