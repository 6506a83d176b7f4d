"""Readers for the evaluation data sets in ``../shared/data`` (never copied into the project)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from deescalate.errors import InputError

__all__ = [
    "GoEmotion",
    "IntensityItem",
    "Tweet",
    "default_data_dir",
    "read_ei_oc",
    "read_ei_reg",
    "read_goemotions",
    "read_phrase_lists",
    "read_twcs",
]

SEMEVAL = "A2-semeval2018-task1-anger"
GOEMOTIONS = "A3-goemotions"


@dataclass(frozen=True, slots=True)
class IntensityItem:
    id: str
    text: str
    gold: float


@dataclass(frozen=True, slots=True)
class GoEmotion:
    text: str
    labels: frozenset[str]


def default_data_dir() -> Path:
    """``../shared/data`` seen from the working directory, as the project's docs describe it."""
    return Path("..") / "shared" / "data"


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"evaluation data not found: {path}")
    return path


def _tweet(text: str) -> str:
    # The SemEval files write line breaks inside tweets as a literal backslash-n.
    return text.replace("\\n", "\n")


def read_ei_reg(data_dir: Path, split: str = "dev") -> list[IntensityItem]:
    """SemEval-2018 EI-reg anger: tweets with a gold intensity in [0, 1]."""
    path = _require(data_dir / SEMEVAL / f"2018-EI-reg-En-anger-{split}.txt")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        IntensityItem(row[0], _tweet(row[1]), float(row[3])) for row in rows[1:] if len(row) >= 4
    ]


def read_ei_oc(data_dir: Path, split: str = "dev") -> list[IntensityItem]:
    """SemEval-2018 EI-oc anger: tweets with an ordinal class 0..3."""
    path = _require(data_dir / SEMEVAL / f"2018-EI-oc-En-anger-{split}.txt")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        IntensityItem(row[0], _tweet(row[1]), float(row[3].split(":", 1)[0]))
        for row in rows[1:]
        if len(row) >= 4
    ]


def read_goemotions(data_dir: Path, split: str = "dev") -> list[GoEmotion]:
    """GoEmotions comments with their label names."""
    folder = data_dir / GOEMOTIONS
    names = _require(folder / "emotions.txt").read_text(encoding="utf-8").split()
    items: list[GoEmotion] = []
    with _require(folder / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            labels = frozenset(names[int(i)] for i in row[1].split(","))
            items.append(GoEmotion(row[0], labels))
    return items


TWCS = "A4-twcs-customer-support-on-twitter"
PHRASES = "D1-agent-phrase-references"


@dataclass(frozen=True, slots=True)
class Tweet:
    tweet_id: str
    author_id: str
    inbound: bool
    created_at: str
    text: str
    in_response_to: str | None


def read_twcs(data_dir: Path) -> list[Tweet]:
    """The twcs sample's 5,000 tweets (bare carriage returns become spaces, as documented)."""
    raw = _require(data_dir / TWCS / "twcs.first5001rows.csv").read_bytes()
    text = raw.decode("utf-8").replace("\r", " ")
    rows = list(csv.reader(text.splitlines(keepends=True)))
    header = rows[0]
    at = {name: header.index(name) for name in header if name}
    return [
        Tweet(
            tweet_id=row[at["tweet_id"]],
            author_id=row[at["author_id"]],
            inbound=row[at["inbound"]] == "True",
            created_at=row[at["created_at"]],
            text=row[at["text"]],
            in_response_to=row[at["in_response_to_tweet_id"]].removesuffix(".0") or None,
        )
        for row in rows[1:]
    ]


def read_phrase_lists(data_dir: Path) -> tuple[list[str], list[str]]:
    """The harmful and the recommended agent phrases of the public guides (reference only)."""
    folder = data_dir / PHRASES
    lists = []
    for name in (
        "harmful_agent_phrases_from_public_guides.csv",
        "deescalating_agent_phrases_from_public_guides.csv",
    ):
        with _require(folder / name).open(encoding="utf-8", newline="") as handle:
            lists.append([row["phrase"] for row in csv.DictReader(handle)])
    return lists[0], lists[1]
