"""Our labels of real support tweets: a well-formed file of ids, joined to the twcs text at run time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from deescalate.errors import InputError
from deescalate.evaluation.datasets import TWCS, read_twcs
from deescalate.evaluation.support_eval import default_cases_dir, evaluate_support
from deescalate.evaluation.tweet_labels import (
    LABELS_FILE,
    ROUTING_SIGNALS,
    TWEET_PARTS,
    labelled_tweets,
    part_of,
    read_tweet_labels,
)
from deescalate.stages import Stage
from tests.conftest import DATA_DIR, requires_data

LABELS = default_cases_dir() / LABELS_FILE
HEADER = "# our labels\ntweet_id,stage,signals,part\n"


def _labels_file(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_the_labels_file_holds_ids_and_labels_only() -> None:
    """The shipped file reads: four columns, no text, each part as its id says, ids unique."""
    labels = read_tweet_labels(LABELS)
    assert len(labels) >= 300
    assert len({label.tweet_id for label in labels}) == len(labels)
    assert all(label.part == part_of(int(label.tweet_id)) for label in labels)
    assert set(Counter(label.part for label in labels)) == set(TWEET_PARTS)
    assert {label.stage for label in labels} == set(Stage)


def test_the_labels_file_starts_with_a_comment_saying_what_it_is() -> None:
    """The first line says these are our labels of twcs ids and that no text is stored."""
    first = LABELS.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#")
    assert "twcs" in first
    assert "no tweet text" in first


def test_a_signal_list_is_read_as_a_set(tmp_path: Path) -> None:
    """Signals separated by ';' become a set of routing-signal codes; an empty field none."""
    path = _labels_file(
        tmp_path, "4,irate,asks-for-manager;threatens-legal,dev\n5,calm,,dev\n6,upset,,held\n"
    )
    labels = read_tweet_labels(path)
    assert labels[0].signals == {"asks-for-manager", "threatens-legal"}
    assert labels[1].signals == frozenset()
    assert [label.stage for label in labels] == [Stage.IRATE, Stage.CALM, Stage.UPSET]


def test_an_unknown_stage_is_refused_with_its_line(tmp_path: Path) -> None:
    """A stage outside the five is named, with the line it is on."""
    path = _labels_file(tmp_path, "4,calm,,dev\n5,furious,,dev\n")
    with pytest.raises(InputError, match=r"line 4: unknown stage 'furious'"):
        read_tweet_labels(path)


def test_an_unknown_signal_is_refused(tmp_path: Path) -> None:
    """Only the routing signals may be labelled."""
    path = _labels_file(tmp_path, "4,angry,shouting,dev\n")
    with pytest.raises(InputError, match="unknown signal shouting"):
        read_tweet_labels(path)


def test_a_part_against_the_id_rule_is_refused(tmp_path: Path) -> None:
    """An id that is a multiple of 3 belongs to the held part, and the file may not say otherwise."""
    path = _labels_file(tmp_path, "9,calm,,dev\n")
    with pytest.raises(InputError, match="tweet 9 belongs to part 'held'"):
        read_tweet_labels(path)


def test_a_tweet_labelled_twice_is_refused(tmp_path: Path) -> None:
    """One label per tweet: a second one names the line of the first."""
    path = _labels_file(tmp_path, "4,calm,,dev\n4,angry,,dev\n")
    with pytest.raises(InputError, match="labelled again \\(first on line 3\\)"):
        read_tweet_labels(path)


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    """The header must name the four columns in order."""
    path = tmp_path / "labels.csv"
    path.write_text("tweet_id,stage,part\n4,calm,dev\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected the header"):
        read_tweet_labels(path)


def test_without_the_twcs_data_the_report_says_so(tmp_path: Path) -> None:
    """A data folder without twcs gives no real-tweet figures and a line saying the data is absent."""
    report = evaluate_support(tmp_path, baseline=False)
    assert report.real_tweets is not None
    assert str(tmp_path / TWCS) in report.real_tweets.absent
    assert "not rated: the data is absent" in report.to_text()
    assert report.to_dict()["real_tweets"]["stages"] == []


@requires_data(TWCS)
@pytest.mark.data
def test_every_labelled_id_is_a_customer_tweet_in_twcs() -> None:
    """Each labelled id is an inbound tweet of the twcs sample, so its text can be read."""
    labels = read_tweet_labels(LABELS)
    tweets = labelled_tweets(labels, DATA_DIR)
    assert [tweet.label for tweet in tweets] == labels
    assert all(tweet.text.strip() for tweet in tweets)


@requires_data(TWCS)
@pytest.mark.data
def test_an_id_missing_from_twcs_is_named(tmp_path: Path) -> None:
    """A labelled id the data does not hold is refused, naming it."""
    labels = read_tweet_labels(_labels_file(tmp_path, "35,calm,,dev\n99999998,calm,,dev\n"))
    with pytest.raises(InputError, match=r"1 labelled tweet ids are not in .*: 99999998"):
        labelled_tweets(labels, DATA_DIR)


@requires_data(TWCS)
@pytest.mark.data
def test_an_agent_reply_is_not_a_labelled_customer_tweet(tmp_path: Path) -> None:
    """An id of an agent's reply is refused: only customers' tweets carry a stage."""
    reply = next(tweet for tweet in read_twcs(DATA_DIR) if not tweet.inbound)
    labels = read_tweet_labels(
        _labels_file(tmp_path, f"{reply.tweet_id},calm,,{part_of(int(reply.tweet_id))}\n")
    )
    with pytest.raises(InputError, match=f"agents' replies.*: {reply.tweet_id}"):
        labelled_tweets(labels, DATA_DIR)


@requires_data(TWCS)
@pytest.mark.data
def test_the_real_tweet_figures_are_computed_per_part_for_both_raters() -> None:
    """With the data, each rater has stage figures on dev and held, over every labelled tweet."""
    report = evaluate_support(DATA_DIR)
    real = report.real_tweets
    assert real is not None
    assert not real.absent
    assert {(s.rater, s.part) for s in real.stages} == {
        (rater, part) for rater in ("deescalate", "vader") for part in TWEET_PARTS
    }
    assert sum(s.cases for s in real.stages if s.rater == "vader") == real.tweets
    assert {(s.signal, s.part) for s in real.signals} == {
        (signal, part) for signal in ROUTING_SIGNALS for part in TWEET_PARTS
    }
    labelled = Counter(
        (signal, label.part) for label in read_tweet_labels(LABELS) for signal in label.signals
    )
    for figures in real.signals:
        assert (
            figures.true_positives + figures.false_negatives
            == labelled[(figures.signal, figures.part)]
        )
    assert "Real support tweets (twcs): " in report.to_text()
