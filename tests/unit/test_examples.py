"""The example scripts run as documented."""

from __future__ import annotations

import importlib.util
import io
import re
import subprocess
import sys
from datetime import datetime
from types import ModuleType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import REPO_ROOT


def test_assess_a_message_example() -> None:
    """examples/assess_a_message.py prints a stage and its signals."""
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "assess_a_message.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("stage: ")
    assert "repeat-contact" in done.stdout
    assert "broken-promise" in done.stdout


def _load(name: str) -> ModuleType:
    """An example script as a module (examples/ is not a package)."""
    path = REPO_ROOT / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"examples_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while they are made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hands_off() -> ModuleType:
    pytest.importorskip("uvicorn", reason="the server extra is not installed")
    return _load("hands_off")


class Told(NamedTuple):
    helpdesk: str
    story: Any
    text: str


@pytest.fixture(scope="module", params=["zendesk", "fake"])
def told(request: pytest.FixtureRequest, hands_off: ModuleType) -> Told:
    """The story told once per helpdesk, in plain text: the Zendesk adapter on its fake, and the
    fallback when the adapter cannot be imported."""
    out = io.StringIO()
    if request.param == "zendesk":
        pytest.importorskip("deescalate_zendesk", reason="the Zendesk adapter is not installed")
        story = hands_off.tell(out, color=False)
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(sys.modules, "deescalate_zendesk", None)  # import fails
            story = hands_off.tell(out, color=False)
    return Told(request.param, story, out.getvalue())


def _berlin(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M")


def test_hands_off_runs_as_a_script() -> None:
    """python examples/hands_off.py (what make demo runs) tells the story to the end and exits 0."""
    pytest.importorskip("uvicorn", reason="the server extra is not installed")
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "hands_off.py"), "--helpdesk", "fake"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "── What deescalate did by itself" in done.stdout
    assert done.stderr == ""


def test_hands_off_runs_on_the_helpdesk_asked_for(told: Told) -> None:
    """The Zendesk adapter on its fake when importable; FakeHelpdesk when the import fails."""
    assert told.story.helpdesk == told.helpdesk


def test_hands_off_says_how_to_install_the_adapter_only_when_it_is_missing(told: Told) -> None:
    """The fallback names the install command; the story on the adapter does not."""
    hint = "pip install -e adapters/zendesk" in told.text
    assert hint is (told.helpdesk == "fake")


def test_hands_off_every_delivery_is_acknowledged_202(told: Told) -> None:
    """Seven signed deliveries reach the real service over HTTP and each is accepted."""
    story, text = told.story, told.text
    answers = [c.answer for c in story.chapters if c.answer is not None]
    assert answers == [202] * 7
    assert text.count("→ 202 accepted") == 7


def test_hands_off_the_angry_message_is_tagged_with_one_note(told: Told) -> None:
    """The angry message moves the stage tag and posts exactly one note with suggested wording."""
    story = told.story
    assert story.chapter("frustrated").tags == ("deescalate-stage-frustrated",)
    angry = story.chapter("angry")
    assert angry.added_tags == ("deescalate-stage-angry",)
    assert angry.removed_tags == ("deescalate-stage-frustrated",)
    (note,) = angry.notes
    assert "ANGRY" in note
    assert "Suggested wording" in note


def test_hands_off_the_promise_opens_an_obligation(told: Told) -> None:
    """The agent's "call you back by 3pm" opens a follow-through due 15:00, reminded at 14:00."""
    story, text = told.story, told.text
    (obligation,) = story.chapter("promise").opened
    assert obligation.kind.value == "follow-through"
    assert obligation.action == "callback"
    assert _berlin(obligation.due_at) == "Mon 15:00"
    assert obligation.remind_at is not None
    assert _berlin(obligation.remind_at) == "Mon 14:00"
    assert "promise found" in text


def test_hands_off_the_reminder_fires_when_the_clock_passes_it(told: Told) -> None:
    """At 14:00 the worker tags promise-due and posts a reminder note."""
    story = told.story
    reminder = story.chapter("reminder")
    assert reminder.added_tags == ("deescalate-promise-due",)
    assert len(reminder.notes) == 1
    (obligation,) = reminder.changed
    assert obligation.state.value == "reminded"


def test_hands_off_the_missed_call_is_a_broken_promise(told: Told) -> None:
    """After 15:00 without contact the promise is broken, tagged and the priority raised."""
    story = told.story
    broken = story.chapter("broken")
    assert broken.added_tags == ("deescalate-broken-promise",)
    assert broken.priority == "high"
    assert [o.state.value for o in broken.changed] == ["broken"]


def test_hands_off_the_second_promise_is_kept(told: Told) -> None:
    """The agent's report before 17:00 keeps the promise made at 15:30."""
    story = told.story
    (opened,) = story.chapter("apology").opened
    (kept,) = story.chapter("kept").changed
    assert kept.id == opened.id
    assert kept.state.value == "kept"


def test_hands_off_the_solve_opens_a_follow_up_and_it_comes_due(told: Told) -> None:
    """Solving the angry ticket opens a follow-up for Wednesday 10:00, whose note is posted then."""
    story = told.story
    (follow_up,) = story.chapter("solved").opened
    assert follow_up.kind.value == "follow-up"
    assert _berlin(follow_up.due_at) == "Wed 10:00"
    due = story.chapter("follow-up")
    assert due.added_tags == ("deescalate-follow-up-due",)
    assert len(due.notes) == 1
    assert [o.id for o in due.changed] == [follow_up.id]


def test_hands_off_prints_plain_text_when_not_a_terminal(told: Told) -> None:
    """Written to a file-like object the story has no colour codes, and its section headings."""
    text = told.text
    assert "\033[" not in text
    assert "── What deescalate did by itself" in text


EXCERPT = re.compile(r"<!-- make demo prints[^>]*-->\n```text\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("told", ["zendesk"], indirect=True)
@pytest.mark.parametrize("document", ["README.md", "docs/quickstart.md"])
def test_hands_off_excerpts_in_the_docs_are_what_it_prints(told: Told, document: str) -> None:
    """Every line of the documented make demo excerpts ("..." skips some) is printed, in order."""
    (excerpt,) = EXCERPT.findall((REPO_ROOT / document).read_text(encoding="utf-8"))
    printed = [line.rstrip() for line in told.text.splitlines()]
    position = 0
    for line in excerpt.splitlines():
        if line.strip() == "...":
            continue
        assert line in printed[position:], f"{document}: not printed (in this order): {line!r}"
        position = printed.index(line, position) + 1
