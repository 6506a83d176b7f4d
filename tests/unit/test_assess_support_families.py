"""The support-tweet families: each rule fires on its own wordings and not on their look-alikes.

The texts are written for these tests (none comes from a data set); the stage-level cases are in
tests/eval/cases/support-families.yaml and, kept aside, tests/eval/holdout/support-families.yaml.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deescalate import Assessor, Stage, assess
from deescalate.assessment.lexicon import Lexicon
from deescalate.assessment.packs import builtin_pack_paths

# rule id -> (texts it must fire on, look-alikes it must not fire on)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "tried-still-broken": (
        [
            "Reinstalled the app twice and it still won't open.",
            "@HubCo restarted everything last night and the signal is still dropping",
            "No joy, same as yesterday.",
            "I've tried everything on your help page.",
            "Followed all the troubleshooting steps and nothing.",
            "Nothing has changed since the engineer left.",
        ],
        [
            "I updated my address, is it still the same plan?",
            "Any luck with my order?",
            "I tried the new menu and loved it.",
        ],
    ),
    "tried-did-not-help": (
        ["Cleared the cookies, didn't help.", "Swapped the battery, hasn't fixed it."],
        ["Let me know if it didn't work out.", "It hasn't helped yet, but I'll give it a day."],
    ),
    "tried-still-the-same": (
        ["Rebooted as you said. Still the same.", "Changed the cable, still the same problem!"],
        ["Is the price still the same for students?"],
    ),
    "repeated-attempt": (
        [
            "The card reader froze twice already.",
            "That's the third engineer this month and nothing works.",
            "Two broken chargers in a week, impressive.",
            "Payment failed again at checkout.",
        ],
        [
            "Can I order a second charger?",
            "We'd like two chargers in the box.",
            "Will I be charged again next month?",
        ],
    ),
    "blocked-contact": (
        [
            "I can't get through to anyone on the phone line.",
            "Your automated system keeps sending me back to the menu.",
            "The call hung up on me after 20 minutes.",
            "Keep hitting a brick wall with your chat.",
            "I'm going round in circles with your team.",
        ],
        ["Your automated texts are handy.", "Please don't hang up, I'll check."],
    ),
    "complaint-question": (
        [
            "How come my bill doubled?",
            "So to get this straight, the refund is gone?",
            "How is that fair?",
        ],
        ["How do I come to your store?", "Is that the right straight-through cable?"],
    ),
    "complaint-question-why": (
        [
            "Why does the app say delivered when nothing came?",
            "Why was I charged twice if I cancelled in time?",
            "Why would you charge me for a cancelled order?",
            "Why don't you tell customers before a price rise?",
            "Why is my parcel still not here?",
            "Sure, but why was I never told?",
        ],
        [
            "Why is the blue one cheaper? Just curious.",
            "Why would they film it there? Odd choice.",
            "I do not understand why it happened.",
        ],
    ),
    "complaint-question-to-handle": (
        ["@RailCo why would the train leave early?"],
        ["@RailCo when does the train leave?"],
    ),
    "mildly-unheard": (
        [
            "Isn't that what I already did?",
            "That wasn't really my question.",
            "That doesn't answer my question.",
            "The form keeps telling me my postcode is wrong even though it is right.",
        ],
        ["That is what I asked for, thanks.", "Is that what I need to do next?"],
    ),
    "mildly-unheard-tag": (
        ["I sent the photo already, didn't I?", "I already gave you my number, haven't I?"],
        ["I already sent it, did it arrive?"],
    ),
    "silence-and-outage": (
        [
            "Broadband not working since Friday.",
            "Our internet has been down since 7am.",
            "Five hours of outage and counting.",
            "I wrote two weeks ago and nothing since.",
            "Haven't heard a thing from your team.",
            "You've gone quiet on me.",
            "No reply to my email from Monday.",
            "It takes way too long to load the catalogue.",
            "It's been three days!",
        ],
        [
            "No reply needed, thanks!",
            "Is the internet down for maintenance tonight?",
            "Will the delivery take too long if I pick Friday?",
        ],
    ),
    "minutes-late": (
        ["The bus is 25 minutes late again.", "Order arrived 2 hours late."],
        ["Can I book a late slot?", "Is the 5 o'clock late checkout free?"],
    ),
    "sad-face": (
        ["The update deleted my notes :(", "Missed the delivery again 😕"],
        ["See you at 10:(ish) then", "Lovely service :)"],
    ),
    "judging-company": (
        [
            "Such bad customer service from your branch.",
            "Your staff at the counter are really rude.",
            "A mediocre meal for that price.",
            "Your standards have slipped.",
            "The app has gone downhill this year.",
            "The last patch bricked my tablet.",
            "Apparently twelve years as a customer means nothing.",
            "Rude staff at the Leeds store today.",
            "You could have warned me before charging me.",
            "A toaster would be more reliable than your app, and faster than your support.",
        ],
        [
            "My bad, I typed the wrong address.",
            "The new app is better than your old one.",
            "I'm not unreliable, the bus was late.",
        ],
    ),
    "system-fault": (
        ["Your booking system messed up my dates."],
        ["I messed up the booking, can you help?"],
    ),
    "refused-or-uninformed": (
        [
            "The store refused to refund the faulty kettle.",
            "They wouldn't even replace it.",
            "You cancelled my booking without telling me.",
            "I was never notified about the price change.",
        ],
        ["I refuse to give up on this phone, it's great.", "Can you refund it?"],
    ),
    "no-wonder": (
        ["No wonder your shops are empty."],
        ["No wonder everyone loves your coffee!"],
    ),
    "cannot-believe": (
        [
            "I can't believe there's no one to help at the weekend.",
            "Can't believe it took a month.",
        ],
        ["Can't believe how quick that was, thanks!", "I cannot believe you did it so fast!"],
    ),
    "emotion-hashtag": (
        ["Parcel lost again #epicfail", "Stuck at the gate #notimpressed"],
        ["Great flight home #happydays", "New phone day #excited"],
    ),
    "emotion-hashtag-frustration": (
        ["Third reset this week #sofrustrating", "On hold again #fedup"],
        ["Fixed it myself #proud"],
    ),
    "funny-how": (
        ["Funny how the fee only shows up after I pay."],
        ["Funny story, my dog ate the leaflet."],
    ),
    "unmarked-sarcasm": (
        [
            "A pigeon would beat your delivery times.",
            "Honestly my cat would do a better job than your call centre.",
            "Surprise surprise, the train is cancelled.",
            "Thrilled that I waited in all day for nothing.",
        ],
        ["I would do a better job of packing it myself, no worries.", "A surprise party for mum!"],
    ),
    "unmarked-sarcasm-turn": (
        [
            "You always reply so fast, oh wait, you don't.",
            "Oh, so now the warranty doesn't cover it.",
        ],
        ["Oh wait, I found the code, thanks!", "Oh so that's where the button is, thanks."],
    ),
    "indignant-question-kidding": (
        ["Are you kidding me, a fee for that?", "You can't be serious."],
        ["Only kidding, the parcel came!"],
    ),
    "counted-contact": (
        [
            "I've called 3-4 times this week.",
            "Rang four or five times and nobody picked up.",
            "Spoke to 3 different agents about the same bill.",
            "Transferred 5 times and then cut off.",
        ],
        ["I called once and it was sorted.", "The meter is read four times a year."],
    ),
    "many-attempts": (
        ["After several transfers I gave up.", "Countless emails and still no answer."],
        ["Several options were offered, thanks."],
    ),
    "insulting-noun": (
        ["Complete ineptness from your depot!", "The sheer incompetence of this booking line."],
        ["The complete set arrived."],
    ),
    "aimed-name": (
        ["Give my money back, you crooks.", "You absolute amateurs."],
        ["You helped the criminals' victims."],
    ),
    "screaming-at-you": (
        ["I'm literally screaming at the screen right now."],
        ["I'm screaming 😂 that advert is hilarious", "A man was screaming at the pigeons."],
    ),
    "swearing-at-yours": (
        ["Fix your fucking app.", "Your bloody website crashed again."],
        ["Your fucking amazing, thank you!"],
    ),
    "rather-anything-else": (
        ["I'd rather walk than deal with you again."],
        ["I'd rather have the blue one than the red one."],
    ),
}


def _fired(text: str) -> set[str]:
    return {signal.rule.split("+")[0] for signal in assess(text).signals}


def _family_rule_ids() -> list[str]:
    """The rules in the "support-tweet families" block of the built-in English pack."""
    (english,) = [path for path in builtin_pack_paths() if path.name == "core-en.yaml"]
    text = english.read_text(encoding="utf-8")
    block = text[text.index("# --- support-tweet families") :]
    return re.findall(r"^  - id: (\S+)$", block, flags=re.MULTILINE)


def test_every_family_rule_has_cases_for_and_against_it() -> None:
    """Each rule of the block has texts it must fire on and look-alikes it must not."""
    ids = _family_rule_ids()
    assert ids
    assert set(ids) == set(CASES)
    assert all(positives and negatives for positives, negatives in CASES.values())


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, (yes, _) in CASES.items() for text in yes]
)
def test_a_family_rule_fires_on_its_wordings(rule: str, text: str) -> None:
    """The rule finds its own kind of wording."""
    assert rule in _fired(text)


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, (_, no) in CASES.items() for text in no]
)
def test_a_family_rule_keeps_off_its_look_alikes(rule: str, text: str) -> None:
    """The rule leaves the look-alike alone."""
    assert rule not in _fired(text)


def test_shouting_on_a_complaint_weighs_more_than_either_alone() -> None:
    """'STILL' and '???' on a complaint lift it a stage; on thanks or happy news they do not."""
    quiet = assess("Why is my order still not here?")
    loud = assess("Why is my order STILL not here???")
    assert loud.stage.rank >= quiet.stage.rank + 1
    assert assess("Best birthday cake ever!!! Thank you").stage is Stage.CALM
    assert assess("Thanks @CakeCo !!!").stage is Stage.CALM


def test_one_word_read_as_two_signals_counts_once() -> None:
    """'Disgraceful' is blame and a verdict: the stage is what the stronger says alone."""
    result = assess("Disgraceful.")
    assert {"blame", "expresses-anger"} <= result.codes
    assert result.stage <= Stage.ANGRY


def test_a_judgement_of_someone_else_weighs_half() -> None:
    """'a driver who is incompetent' halves; 'your driver is incompetent' does not."""
    (theirs,) = assess("Stuck with a driver who is incompetent.").signals
    (yours,) = assess("Your driver is incompetent.").signals
    assert theirs.rule == "blame-you-people+third-person"
    assert theirs.weight == pytest.approx(yours.weight / 2)


def test_a_friends_anger_is_not_the_writers() -> None:
    """'my friend was livid' names a third person: the 'my' is not the writer's own feeling."""
    (signal,) = assess("My friend was livid about the queue, is it shorter today?").signals
    assert signal.rule.endswith("+third-person")


def test_an_angry_face_alone_is_not_irate() -> None:
    """An angry-face emoji on a plain complaint is upset or angry, not irate."""
    assert Stage.UPSET <= assess("The kettle I bought is terrible 😡").stage <= Stage.ANGRY


@pytest.mark.parametrize(
    "text", ["It's fucking freezing at the stop, is the 42 running?", "So damn hot in here lol"]
)
def test_swearing_at_the_weather_is_not_profanity(text: str) -> None:
    """Swearing that only says how cold or hot it is swears at no one."""
    assert "profanity" not in assess(text).codes


@pytest.mark.parametrize(
    "text",
    [
        "If someone creates a second account to play weaker people, is that considered cheating??",
        "I opened two accounts by mistake, my bad. Can one be closed?",
    ],
)
def test_words_alone_do_not_make_a_plain_question_upset(text: str) -> None:
    """Without rule evidence the learned words count less and never reach angry."""
    assert assess(text).stage <= Stage.FRUSTRATED


ONE_RULE_PACK = """
pack: one-rule
language: en
rules:
  - id: late-again
    kind: phrases
    signal: waiting
    weight: 1.6
    phrases: ["late again"]
"""


def test_calm_words_take_at_most_half_a_stage_off_rule_evidence(tmp_path: Path) -> None:
    """A complaint told in pleasant words keeps most of its weight."""
    pack = tmp_path / "one-rule.yaml"
    pack.write_text(ONE_RULE_PACK, encoding="utf-8")
    pleasant = Lexicon({"lovely": -5.0}, 0.0)
    assessor = Assessor([pack], builtin=False, lexicon=pleasant, detectors=[])
    assert assessor.assess("Lovely, the bus is late again.").stage is Stage.FRUSTRATED


def test_words_alone_reach_upset_at_most() -> None:
    """However angry the learned words, without rule evidence they make upset at most."""
    assessor = Assessor(builtin=False, lexicon=Lexicon({"grr": 10.0}, 0.0), detectors=[])
    assert assessor.assess("grr").stage is Stage.UPSET


@pytest.mark.parametrize("text", ["I'm a bit annoyed.", "Slightly disappointed with the delivery."])
def test_a_softened_feeling_is_frustrated(text: str) -> None:
    """ "a bit annoyed", "slightly disappointed": the feeling played down weighs as a mild one."""
    result = assess(text)
    assert any(signal.rule.endswith("+softener") for signal in result.signals)
    assert result.stage is Stage.FRUSTRATED
