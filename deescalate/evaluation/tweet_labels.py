"""Our own stage and routing-signal labels of real support tweets (twcs, A4), joined to their text.

The labels file (``tests/eval/real/twcs-stage-labels.csv`` in a source checkout) holds tweet ids and
the labels we gave them, never the text: the twcs licence does not allow copying it. The text is
read at run time from the twcs sample in ``../shared/data`` and joined to the labels by id.

The file is CSV with a header ``tweet_id,stage,signals,part`` after any ``#`` comment lines:
``stage`` is one of the five stages, ``signals`` the routing signals present, separated by ``;``
(usually none), and ``part`` is ``held`` when the id is a multiple of 3 and ``dev`` otherwise.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from deescalate.errors import InputError
from deescalate.evaluation.datasets import TWCS, read_twcs
from deescalate.stages import Stage

__all__ = [
    "HEADER",
    "LABELS_FILE",
    "ROUTING_SIGNALS",
    "TWEET_PARTS",
    "LabelledTweet",
    "TweetLabel",
    "labelled_tweets",
    "part_of",
    "read_tweet_labels",
]

# The signals that route a ticket to someone else; the only signals the labels record.
ROUTING_SIGNALS = ("asks-for-manager", "threatens-to-leave", "threatens-legal")
# The labels file, relative to ``tests/eval``.
LABELS_FILE = Path("real") / "twcs-stage-labels.csv"
HEADER = ("tweet_id", "stage", "signals", "part")
DEV_PART = "dev"
HELD_PART = "held"
TWEET_PARTS = (DEV_PART, HELD_PART)


@dataclass(frozen=True, slots=True)
class TweetLabel:
    """The stage and routing signals we gave one tweet, and the part it belongs to."""

    tweet_id: str
    stage: Stage
    signals: frozenset[str]
    part: str


@dataclass(frozen=True, slots=True)
class LabelledTweet:
    label: TweetLabel
    text: str


def part_of(tweet_id: int) -> str:
    """``held`` for ids that are multiples of 3 (about a third), else ``dev``."""
    return HELD_PART if tweet_id % 3 == 0 else DEV_PART


def _label(path: Path, line: int, row: list[str]) -> TweetLabel:
    where = f"{path}, line {line}"
    if len(row) != len(HEADER):
        raise InputError(f"{where}: expected {len(HEADER)} fields ({','.join(HEADER)}), got {row}")
    raw_id, raw_stage, raw_signals, part = (field.strip() for field in row)
    if not raw_id.isdigit():
        raise InputError(f"{where}: tweet_id {raw_id!r} is not a whole number")
    try:
        stage = Stage(raw_stage)
    except ValueError as exc:
        raise InputError(
            f"{where}: unknown stage {raw_stage!r} (expected one of {', '.join(Stage)})"
        ) from exc
    signals = frozenset(code.strip() for code in raw_signals.split(";") if code.strip())
    unknown = sorted(signals - set(ROUTING_SIGNALS))
    if unknown:
        raise InputError(
            f"{where}: unknown signal {', '.join(unknown)} "
            f"(expected some of {', '.join(ROUTING_SIGNALS)}, separated by ';')"
        )
    expected_part = part_of(int(raw_id))
    if part != expected_part:
        raise InputError(
            f"{where}: tweet {raw_id} belongs to part {expected_part!r} "
            f"(held when tweet_id % 3 == 0, else dev), not {part!r}"
        )
    return TweetLabel(raw_id, stage, signals, part)


def read_tweet_labels(path: Path) -> list[TweetLabel]:
    """The labels in ``path``, in file order; a malformed line is refused with its number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read tweet labels {path}: {exc}") from exc
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line and not line.startswith("#")]
    if not numbered:
        raise InputError(f"{path}: no header {','.join(HEADER)!r} and no labels")
    header_line, header = numbered[0]
    if tuple(field.strip() for field in header.split(",")) != HEADER:
        raise InputError(
            f"{path}, line {header_line}: expected the header {','.join(HEADER)!r}, got {header!r}"
        )
    labels: list[TweetLabel] = []
    seen: dict[str, int] = {}
    for line, text in numbered[1:]:
        label = _label(path, line, next(csv.reader([text])))
        if label.tweet_id in seen:
            raise InputError(
                f"{path}, line {line}: tweet {label.tweet_id} is labelled again "
                f"(first on line {seen[label.tweet_id]})"
            )
        seen[label.tweet_id] = line
        labels.append(label)
    return labels


def labelled_tweets(labels: list[TweetLabel], data_dir: Path) -> list[LabelledTweet]:
    """Each label with its tweet's text from the twcs sample in ``data_dir``.

    Every labelled id must be an inbound (customer) tweet of the sample: an id that is missing or
    is an agent's reply is refused, naming the ids.
    """
    tweets = {tweet.tweet_id: tweet for tweet in read_twcs(data_dir)}
    missing = [label.tweet_id for label in labels if label.tweet_id not in tweets]
    if missing:
        raise InputError(
            f"{len(missing)} labelled tweet ids are not in {data_dir / TWCS}: "
            f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}"
        )
    outbound = [label.tweet_id for label in labels if not tweets[label.tweet_id].inbound]
    if outbound:
        raise InputError(
            f"{len(outbound)} labelled tweet ids are agents' replies, not customers' tweets: "
            f"{', '.join(outbound[:10])}{' ...' if len(outbound) > 10 else ''}"
        )
    return [LabelledTweet(label, tweets[label.tweet_id].text) for label in labels]
