"""Context around an emotion word: negation, hashtags, whose feeling it is, and titles."""

from __future__ import annotations

import pytest

from deescalate import Stage, assess


def _rules(text: str) -> list[str]:
    return [signal.rule for signal in assess(text).signals]


@pytest.mark.parametrize(
    "text",
    [
        "I want my refund processed today, it is a fucking joke.",
        "My account was charged twice and that is ridiculous.",
        "The payment went through twice, which is unacceptable.",
    ],
)
def test_words_ending_in_nt_are_not_negations(text: str) -> None:
    """'want', 'account' and 'payment' end in "nt" but negate nothing."""
    assert assess(text).stage >= Stage.UPSET


@pytest.mark.parametrize(
    "text", ["I dont hate you guys", "I don't hate it", "I'm not angry at all"]
)
def test_contractions_still_negate(text: str) -> None:
    """A contraction with or without its apostrophe still negates what follows."""
    result = assess(text)
    assert "expresses-anger" not in result.codes
    assert result.stage is Stage.CALM


def test_negated_emotion_words_do_not_reach_the_lexicon() -> None:
    """'not angry' is no evidence from the rules, and none from the learned words either."""
    negated = assess("I'm not angry about the delay.")
    stated = assess("I'm angry about the delay.")
    assert negated.stage is Stage.CALM
    assert negated.score < stated.score
    assert all(cue.text.lower() != "angry" for cue in negated.cues)


def test_a_hashtag_is_not_negated_by_the_words_before_it() -> None:
    """'... not my address #fuming' states the anger in its own tag."""
    result = assess("You sent my parcel to the depot, not my address #fuming")
    assert "expresses-anger" in result.codes
    assert result.stage >= Stage.UPSET


def test_never_been_so_intensifies() -> None:
    """'never been so offended' is a strong statement of the feeling, not its negation."""
    result = assess("I have never been so offended by a company in my life.")
    assert "expresses-anger" in result.codes
    assert result.stage >= Stage.UPSET


def test_someone_elses_anger_weighs_less_than_the_writers() -> None:
    """'he was furious' is reported anger: half the weight of the bare word, a third of 'I am'."""
    (theirs,) = assess("The driver told the office he was furious.").signals
    (bare,) = assess("Furious, again.").signals
    (mine,) = assess("I am furious.").signals
    assert theirs.rule == "expresses-anger+third-person"
    assert theirs.weight == pytest.approx(bare.weight / 2)
    assert (mine.rule, mine.text) == ("expresses-anger-first-person", "I am furious")
    assert mine.weight > bare.weight


@pytest.mark.parametrize(
    "text",
    [
        "We watched Fast and Furious last night.",
        "Did you see fast & furious 8?",
        "My kid plays Angry Birds on the tablet.",
    ],
)
def test_titles_are_not_anger(text: str) -> None:
    """Film and game titles that contain an anger word are not evidence."""
    assert "expresses-anger" not in assess(text).codes


def test_stated_anger_outweighs_the_noun() -> None:
    """'I'm furious' is stronger evidence than talking about anger in general."""
    assert assess("I am furious with this.").score > assess("Anger is a waste of time.").score


def test_hate_is_anger() -> None:
    """Both one-word and two-word forms of hate are found."""
    assert "expresses-hate" in _rules("I hate this update.")
    assert "expresses-hate" in _rules("I can't stand this update.")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Honestly your support is trash.", "blame"),
        ("They said they would ring me back but they never did.", "broken-promise"),
        ("The router still doesn't work after the reset.", "waiting"),
        ("I've heard nothing back from your team.", "waiting"),
        ("I've been dealing with this for 3 weeks.", "waiting"),
        ("This has happened way too many times.", "repeat-contact"),
        ("Time to cancel my family broadband plan.", "threatens-to-leave"),
        ("Being charged twice is not okay.", "expresses-disappointment"),
    ],
)
def test_everyday_support_complaints_are_noticed(text: str, code: str) -> None:
    """Plain complaints in the words customers use carry their signal and are not calm."""
    result = assess(text)
    assert code in result.codes
    assert result.stage >= Stage.FRUSTRATED


@pytest.mark.parametrize(
    "text",
    [
        "Can you tell me what the delivery date is?",
        "What the status of my refund is, nobody has said.",
        "You are reading my mind, that is exactly it.",
    ],
)
def test_ordinary_questions_are_not_profanity_or_unheard(text: str) -> None:
    """'what the' and 'you are reading' are everyday words, not swearing or 'not listening'."""
    result = assess(text)
    assert not {"profanity", "feels-unheard"} & result.codes
    assert result.stage is Stage.CALM


def test_exclamations_with_swearing_are_profanity() -> None:
    """'what the hell' and 'wtf' swear, without being aimed at the agent (not irate alone)."""
    for text in ("What the hell is going on with my order?", "wtf is this charge"):
        result = assess(text)
        assert "profanity" in result.codes
        assert Stage.UPSET <= result.stage < Stage.IRATE


def test_an_angry_emoji_is_the_writers_own() -> None:
    """An emoji after a clause about someone else still shows the writer's anger in full."""
    (signal,) = [
        s for s in assess("They lost my bag again 😡").signals if s.code == "expresses-anger"
    ]
    assert not signal.rule.endswith("+third-person")


@pytest.mark.parametrize(
    "text", ["I am such an idiot, I ported my number away.", "I was so stupid to trust it."]
)
def test_running_oneself_down_is_not_an_insult(text: str) -> None:
    """Insult words the writer aims at themselves are not profanity against the agent."""
    assert "profanity" not in assess(text).codes


def test_phrases_match_without_their_apostrophes() -> None:
    """'youre' and 'dont' are screened in like "you're" and "don't": the apostrophe is optional."""
    assert "feels-unheard" in assess("youre not listening to me").codes


def test_a_swear_word_is_not_negated() -> None:
    """'I don't fucking care' swears; 'it doesn't suck' is praise, not profanity."""
    assert "profanity" in assess("I don't fucking care any more.").codes
    assert "profanity" not in assess("Honestly it doesn't suck at all.").codes


@pytest.mark.parametrize(
    "text",
    [
        "Isn't it ridiculous that I have to call four times?",
        "Wasn't that just absurd!",
        "Is this not unacceptable?",
    ],
)
def test_a_negative_question_asserts_the_feeling(text: str) -> None:
    assert assess(text).stage >= Stage.UPSET


@pytest.mark.parametrize(
    "text", ["It isn't ridiculous, I'm fine.", "This is not ridiculous at all."]
)
def test_a_negative_statement_still_negates(text: str) -> None:
    assert assess(text).stage == Stage.CALM


@pytest.mark.parametrize(
    "text", ["Totally my big dumb mistake, sorry guys", "Sorry for the stupid question"]
)
def test_the_writers_own_blunder_is_not_an_insult(text: str) -> None:
    assert "insults" not in _rules(text)


def test_calling_the_product_stupid_is_still_an_insult() -> None:
    assert "insults" in _rules("this stupid app keeps crashing")


@pytest.mark.parametrize(
    "text",
    [
        "It's not that I'm angry, I'm just disappointed.",
        "It isn't that I am angry.",
        "I am writing not because I am upset but because it broke again.",
    ],
)
def test_not_that_denies_the_feeling_three_words_on(text: str) -> None:
    """ "It's not that I'm angry": the denial reaches past "that I'm"."""
    assert "expresses-anger" not in assess(text).codes


@pytest.mark.parametrize(
    "text", ["Not that I care, but I am angry.", "It's not that hard, and I am furious."]
)
def test_a_clause_break_ends_the_denial(text: str) -> None:
    assert "expresses-anger" in assess(text).codes
