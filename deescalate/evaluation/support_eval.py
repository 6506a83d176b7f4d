"""``deescalate eval support``: the routing signals and the stage on support text.

Two kinds of figures, all computed at run time:

* Cases written for the project (under ``tests/eval`` in a source checkout): per routing signal
  (``asks-for-manager``, ``threatens-to-leave``, ``threatens-legal``), and for ``sarcasm`` built
  on thanks, the precision and recall, and the stage's quadratic weighted kappa and share within
  one stage of the gold, beside VADER. The rules were tuned on the development parts (``cases``,
  and ``holdout1``, ``holdout2`` and ``holdout3``: the first three held-aside sets, measured
  since). The held-aside parts were written before the rules they measure and kept aside, so
  their figures say whether a fix generalises: ``aside`` (written with the third round's
  development cases, before its rule changes), ``aside2`` (written before the fourth round's rule
  changes) and ``holdout4`` (written apart from the rules' authors; shown when its folder is
  present). The stage keeps its own parts: ``cases`` (tuned on), ``holdout`` (written after the
  rules, kept aside) and ``holdout3`` (written apart from the rules' authors with the third
  signal set, never tuned on).
* Real support tweets from ../shared/data when present: our own labels of inbound twcs tweets
  (``tests/eval/real/twcs-stage-labels.csv``, ids and labels only, the text read from A4) give the
  stage's QWK and within-one share beside VADER and the routing signals' precision and recall, on
  a ``dev`` part (its errors may be read) and a ``held`` part (never read, never tuned on); and how
  often inbound tweets labelled "Bad Support" (A5) are rated frustrated or worse, against the
  other inbound tweets, beside VADER.

The kinds of support tweet the rater used to misjudge (problems still there after the fixes,
complaint-shaped questions, judging the company, unmarked sarcasm, shouting on a complaint, and
texts that must stay calm) have their own written cases, ``support-families.yaml`` in ``cases``
(tuned on) and ``holdout`` (written before the rules, kept aside): their stage QWK beside VADER,
and per family how many the rater puts on the labelled stage and within one of it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deescalate.assessment import Assessor, default_assessor
from deescalate.errors import InputError
from deescalate.evaluation.assess_eval import vader_rater
from deescalate.evaluation.datasets import TWCS
from deescalate.evaluation.metrics import quadratic_weighted_kappa
from deescalate.evaluation.tweet_labels import (
    LABELS_FILE,
    ROUTING_SIGNALS,
    TWEET_PARTS,
    LabelledTweet,
    labelled_tweets,
    read_tweet_labels,
)
from deescalate.stages import Stage

__all__ = [
    "DEVELOPMENT_PARTS",
    "EVALUATED_SIGNALS",
    "FAMILY_FILE",
    "HELD_ASIDE_PARTS",
    "ROUTING_SIGNALS",
    "SIGNAL_PARTS",
    "SignalCase",
    "SignalFigures",
    "StageCase",
    "SupportReport",
    "TweetFigures",
    "default_cases_dir",
    "evaluate_support",
    "family_figures",
    "read_signal_cases",
    "read_stage_cases",
    "signal_figures",
]

# Measured beside the routing signals: sarcasm built on thanks ("thanks a bunch" after a failure).
EVALUATED_SIGNALS = (*ROUTING_SIGNALS, "sarcasm")
# Each signal part and the folder under tests/eval holding its ``<signal>.yaml``; a part without
# a signal's file (holdout4 until it is handed over) is left out of the figures.
SIGNAL_PARTS = (
    ("cases", "cases"),
    ("holdout1", "cases/holdout1"),
    ("holdout2", "cases/holdout2"),
    ("holdout3", "cases/holdout3"),
    ("aside", "aside"),
    ("aside2", "aside2"),
    ("holdout4", "holdout4"),
)
DEVELOPMENT_PARTS = ("cases", "holdout1", "holdout2", "holdout3")
HELD_ASIDE_PARTS = ("aside", "aside2", "holdout4")
STAGE_PARTS = ("cases", "holdout", "holdout3")
# The support-tweet family cases in each stage part.
FAMILY_FILE = "support-families.yaml"
ERICSSON = "A5-twcs-ericsson-labeled"
_BAD_SUPPORT = "Bad Support"


@dataclass(frozen=True, slots=True)
class SignalCase:
    """A text and whether ``signal`` should fire on it; ``family`` names the kind of wording."""

    signal: str
    family: str
    text: str
    expect: bool


@dataclass(frozen=True, slots=True)
class StageCase:
    """A text and its stage; ``family`` names the kind of wording where the file gives one."""

    text: str
    stage: Stage
    family: str = ""


@dataclass(frozen=True, slots=True)
class SignalFigures:
    """Precision and recall of one signal on one part, with the cases it got wrong."""

    signal: str
    part: str
    true_positives: int
    false_positives: int
    false_negatives: int
    cases: int
    missed_families: dict[str, int] = field(default_factory=dict)
    false_alarm_families: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        fired = self.true_positives + self.false_positives
        return self.true_positives / fired if fired else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


@dataclass(frozen=True, slots=True)
class StageFigures:
    rater: str
    part: str
    cases: int
    qwk: float
    within_one: float


@dataclass(frozen=True, slots=True)
class FamilyFigures:
    """How many texts of one family, in one part, the rater puts on their stage or next to it."""

    family: str
    part: str
    cases: int
    exact: int
    within_one: int


@dataclass(frozen=True, slots=True)
class BadSupportFigures:
    rater: str
    bad_support: int
    others: int
    bad_support_rated_frustrated_or_worse: float
    others_rated_frustrated_or_worse: float


@dataclass(frozen=True, slots=True)
class TweetFigures:
    """Figures on real support tweets with our labels, or why there are none (``absent``)."""

    labels: str
    absent: str = ""
    tweets: int = 0
    stages: tuple[StageFigures, ...] = ()
    signals: tuple[SignalFigures, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "absent": self.absent or None,
            "tweets": self.tweets,
            "stages": [_stage_dict(s) for s in self.stages],
            "signals": [
                {
                    "signal": s.signal,
                    "part": s.part,
                    "tweets": s.cases,
                    "labelled": s.true_positives + s.false_negatives,
                    "fired": s.true_positives + s.false_positives,
                    "precision": _rounded(s.precision) if _fired(s) else None,
                    "recall": _rounded(s.recall) if _labelled(s) else None,
                    "true_positives": s.true_positives,
                    "false_positives": s.false_positives,
                    "false_negatives": s.false_negatives,
                }
                for s in self.signals
            ],
        }

    def text_lines(self) -> list[str]:
        if self.absent:
            return [f"Real support tweets (twcs, our labels): not rated: {self.absent}"]
        lines = [
            f"Real support tweets (twcs): {self.tweets} inbound tweets with our labels in",
            f"  {self.labels} (the text is read from the data): stage QWK and",
            "  within one beside VADER; dev: its errors may be read; held: never read, never tuned on",
            "",
            f"{'rater':<12} {'part':<8} {'n':>4} {'QWK':>6} {'within one':>11}",
        ]
        for g in self.stages:
            lines.append(
                f"{g.rater:<12} {g.part:<8} {g.cases:>4} {g.qwk:>6.3f} {g.within_one:>10.1%}"
            )
        lines += [
            "",
            "Routing signals on the same tweets ('-': nothing to divide by)",
            "",
            f"{'signal':<20} {'part':<8} {'labelled':>8} {'fired':>6} {'precision':>10} "
            f"{'recall':>7}",
        ]
        for s in self.signals:
            precision = f"{s.precision:.2f}" if _fired(s) else "-"
            recall = f"{s.recall:.2f}" if _labelled(s) else "-"
            lines.append(
                f"{s.signal:<20} {s.part:<8} {s.true_positives + s.false_negatives:>8} "
                f"{s.true_positives + s.false_positives:>6} {precision:>10} {recall:>7}"
            )
        return lines


def _rounded(value: float) -> float:
    return round(value, 4)


def _fired(figures: SignalFigures) -> bool:
    return figures.true_positives + figures.false_positives > 0


def _labelled(figures: SignalFigures) -> bool:
    return figures.true_positives + figures.false_negatives > 0


def _stage_dict(figures: StageFigures) -> dict[str, Any]:
    return {
        "rater": figures.rater,
        "part": figures.part,
        "cases": figures.cases,
        "qwk": _rounded(figures.qwk),
        "within_one": _rounded(figures.within_one),
    }


@dataclass(frozen=True, slots=True)
class SupportReport:
    signals: tuple[SignalFigures, ...]
    stages: tuple[StageFigures, ...]
    bad_support: tuple[BadSupportFigures, ...] = ()
    real_tweets: TweetFigures | None = None
    family_stages: tuple[StageFigures, ...] = ()
    families: tuple[FamilyFigures, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "signals": [
                {
                    "signal": s.signal,
                    "part": s.part,
                    "cases": s.cases,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "true_positives": s.true_positives,
                    "false_positives": s.false_positives,
                    "false_negatives": s.false_negatives,
                    "missed_families": s.missed_families,
                    "false_alarm_families": s.false_alarm_families,
                }
                for s in self.signals
            ],
            "stages": [_stage_dict(s) for s in self.stages],
            "support_families": {
                "stages": [_stage_dict(s) for s in self.family_stages],
                "families": [
                    {
                        "family": f.family,
                        "part": f.part,
                        "cases": f.cases,
                        "exact": f.exact,
                        "within_one": f.within_one,
                    }
                    for f in self.families
                ],
            },
            "real_tweets": self.real_tweets.to_dict() if self.real_tweets else None,
            "a5_bad_support": [
                {
                    "rater": b.rater,
                    "bad_support": b.bad_support,
                    "others": b.others,
                    "bad_support_rated_frustrated_or_worse": round(
                        b.bad_support_rated_frustrated_or_worse, 4
                    ),
                    "others_rated_frustrated_or_worse": round(
                        b.others_rated_frustrated_or_worse, 4
                    ),
                }
                for b in self.bad_support
            ],
        }

    def to_text(self) -> str:
        lines = [
            "Routing signals and sarcasm on support text written for the project (computed now):",
            "  cases, holdout1-3: development, the rules were tuned on them (the holdouts were",
            "  held aside in earlier rounds and have been measured since); aside, aside2, holdout4:",
            "  kept aside, never tuned on (holdout4 is shown when present)",
            "  goal: precision >= 0.85 and recall >= 0.80 for each routing signal",
            "",
            f"{'signal':<20} {'part':<8} {'n':>4} {'precision':>10} {'recall':>7}  misses",
        ]
        for s in self.signals:
            misses = ", ".join(
                [f"missed {k} {v}" for k, v in sorted(s.missed_families.items())]
                + [f"false alarm {k} {v}" for k, v in sorted(s.false_alarm_families.items())]
            )
            lines.append(
                f"{s.signal:<20} {s.part:<8} {s.cases:>4} {s.precision:>10.2f} {s.recall:>7.2f}"
                f"  {misses or '-'}"
            )
        lines += [
            "",
            "Stage on written support messages: quadratic weighted kappa over the five stages,",
            "and the share within one stage of the gold",
            "",
            f"{'rater':<12} {'part':<8} {'n':>4} {'QWK':>6} {'within one':>11}",
        ]
        for g in self.stages:
            lines.append(
                f"{g.rater:<12} {g.part:<8} {g.cases:>4} {g.qwk:>6.3f} {g.within_one:>10.1%}"
            )
        if self.family_stages:
            lines += ["", *self._family_lines()]
        if self.real_tweets:
            lines += ["", *self.real_tweets.text_lines()]
        if self.bad_support:
            first = self.bad_support[0]
            lines += [
                "",
                f"Real support tweets (A5, {first.bad_support} labelled Bad Support, "
                f"{first.others} other inbound): share rated frustrated or worse",
                "",
                f"{'rater':<12} {'Bad Support':>12} {'others':>8}",
            ]
            for b in self.bad_support:
                lines.append(
                    f"{b.rater:<12} {b.bad_support_rated_frustrated_or_worse:>12.1%} "
                    f"{b.others_rated_frustrated_or_worse:>8.1%}"
                )
        return "\n".join(lines)

    def _family_lines(self) -> list[str]:
        lines = [
            "Stage on the kinds of support tweet the rater used to misjudge, written for the",
            f"project ({FAMILY_FILE}; cases: tuned on, holdout: written before the rules, kept",
            "aside)",
            "",
            f"{'rater':<12} {'part':<8} {'n':>4} {'QWK':>6} {'within one':>11}",
        ]
        for g in self.family_stages:
            lines.append(
                f"{g.rater:<12} {g.part:<8} {g.cases:>4} {g.qwk:>6.3f} {g.within_one:>10.1%}"
            )
        lines += [
            "",
            f"{'family (deescalate)':<22} {'part':<8} {'n':>4} {'exact':>6} {'within one':>11}",
        ]
        for f in self.families:
            lines.append(f"{f.family:<22} {f.part:<8} {f.cases:>4} {f.exact:>6} {f.within_one:>11}")
        return lines


def default_cases_dir() -> Path:
    """``tests/eval`` of the source checkout this package was installed from."""
    return Path(__file__).resolve().parents[2] / "tests" / "eval"


def _load_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read evaluation cases {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise InputError(f"{path}: expected a mapping with a list under 'cases'")
    return data


def _field(path: Path, index: int, case: object, key: str) -> object:
    if not isinstance(case, dict) or key not in case:
        raise InputError(f"{path}: case {index + 1} has no {key!r}")
    return case[key]


def read_signal_cases(path: Path) -> list[SignalCase]:
    """The cases of one signal's file (``signal``, then ``cases`` of family, text, expect)."""
    data = _load_yaml(path)
    signal = data.get("signal")
    if not isinstance(signal, str):
        raise InputError(f"{path}: 'signal' must name the signal the cases are for")
    cases = []
    for index, case in enumerate(data["cases"]):
        text = _field(path, index, case, "text")
        expect = _field(path, index, case, "expect")
        family = _field(path, index, case, "family")
        if not isinstance(text, str) or not isinstance(expect, bool):
            raise InputError(
                f"{path}: case {index + 1} needs a string text and a true/false expect"
            )
        cases.append(SignalCase(signal, str(family), text, expect))
    return cases


def read_stage_cases(path: Path) -> list[StageCase]:
    """The cases of a stage file (``cases`` of text and stage)."""
    data = _load_yaml(path)
    cases = []
    for index, case in enumerate(data["cases"]):
        text = _field(path, index, case, "text")
        stage = _field(path, index, case, "stage")
        family = case.get("family", "") if isinstance(case, dict) else ""
        try:
            cases.append(StageCase(str(text), Stage(str(stage)), str(family)))
        except ValueError as exc:
            raise InputError(f"{path}: case {index + 1} has an unknown stage {stage!r}") from exc
    return cases


def signal_figures(
    cases: Sequence[SignalCase], part: str, assessor: Assessor | None = None
) -> SignalFigures:
    """Precision and recall of the cases' signal (they all name one) under ``assessor``."""
    chosen = assessor or default_assessor()
    tp = fp = fn = 0
    missed: dict[str, int] = {}
    false_alarms: dict[str, int] = {}
    for case in cases:
        fired = case.signal in chosen.assess(case.text).codes
        if fired and case.expect:
            tp += 1
        elif fired:
            fp += 1
            false_alarms[case.family] = false_alarms.get(case.family, 0) + 1
        elif case.expect:
            fn += 1
            missed[case.family] = missed.get(case.family, 0) + 1
    return SignalFigures(cases[0].signal, part, tp, fp, fn, len(cases), missed, false_alarms)


Rater = Callable[[str], Stage]


def _stage_figures(rater: str, rate: Rater, cases: Sequence[StageCase], part: str) -> StageFigures:
    return _stage_figures_of(rater, cases, [rate(case.text) for case in cases], part)


def _stage_figures_of(
    rater: str, cases: Sequence[StageCase], stages: Sequence[Stage], part: str
) -> StageFigures:
    gold = [case.stage.rank for case in cases]
    predicted = [stage.rank for stage in stages]
    within = sum(abs(g - p) <= 1 for g, p in zip(gold, predicted, strict=True)) / len(cases)
    return StageFigures(
        rater, part, len(cases), quadratic_weighted_kappa(gold, predicted, len(Stage)), within
    )


def family_figures(
    cases: Sequence[StageCase], part: str, rate: Rater
) -> tuple[StageFigures, list[FamilyFigures]]:
    """The stage figures of ``cases`` under ``rate``, overall and per family, in file order."""
    predicted = [rate(case.text) for case in cases]
    overall = _stage_figures_of("deescalate", cases, predicted, part)
    counts: dict[str, list[int]] = {}
    for case, stage in zip(cases, predicted, strict=True):
        tally = counts.setdefault(case.family or "-", [0, 0, 0])
        tally[0] += 1
        tally[1] += stage is case.stage
        tally[2] += abs(stage.rank - case.stage.rank) <= 1
    return overall, [FamilyFigures(name, part, *tally) for name, tally in counts.items()]


def _bad_support(data_dir: Path, raters: dict[str, Rater]) -> tuple[BadSupportFigures, ...]:
    folder = data_dir / ERICSSON / "labeled"
    if not folder.is_dir():
        return ()
    bad: list[str] = []
    others: list[str] = []
    for path in sorted(folder.glob("twcs-*-inbound.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                (bad if row.get(_BAD_SUPPORT, "0").strip() in ("1", "1.0") else others).append(
                    row["text"]
                )
    if not bad or not others:
        return ()

    def share(rate: Rater, texts: list[str]) -> float:
        return sum(rate(text) >= Stage.FRUSTRATED for text in texts) / len(texts)

    return tuple(
        BadSupportFigures(name, len(bad), len(others), share(rate, bad), share(rate, others))
        for name, rate in raters.items()
    )


def _tweet_signal_figures(
    tweets: Sequence[LabelledTweet], part: str, assessor: Assessor
) -> list[SignalFigures]:
    fired = [assessor.assess(tweet.text).codes for tweet in tweets]
    figures = []
    for signal in ROUTING_SIGNALS:
        tp = fp = fn = 0
        for tweet, codes in zip(tweets, fired, strict=True):
            said, labelled = signal in codes, signal in tweet.label.signals
            tp += said and labelled
            fp += said and not labelled
            fn += labelled and not said
        figures.append(SignalFigures(signal, part, tp, fp, fn, len(tweets)))
    return figures


def _real_tweets(
    data_dir: Path | None, cases_dir: Path, raters: dict[str, Rater], assessor: Assessor
) -> TweetFigures:
    """Stage and routing figures on our labelled twcs tweets, per part; ``absent`` without them."""
    path = cases_dir / LABELS_FILE
    shown = f"tests/eval/{LABELS_FILE.as_posix()}"
    if data_dir is None:
        return TweetFigures(shown, absent="no data folder given")
    if not (data_dir / TWCS).is_dir():
        return TweetFigures(shown, absent=f"the data is absent ({data_dir / TWCS} not found)")
    if not path.is_file():
        return TweetFigures(shown, absent=f"the labels are absent ({path} not found)")
    tweets = labelled_tweets(read_tweet_labels(path), data_dir)
    parts = {part: [t for t in tweets if t.label.part == part] for part in TWEET_PARTS}
    stages = [
        _stage_figures(name, rate, [StageCase(t.text, t.label.stage) for t in chosen], part)
        for name, rate in raters.items()
        for part, chosen in parts.items()
        if chosen
    ]
    signals = [
        figures
        for part, chosen in parts.items()
        if chosen
        for figures in _tweet_signal_figures(chosen, part, assessor)
    ]
    signals.sort(key=lambda f: ROUTING_SIGNALS.index(f.signal))
    return TweetFigures(shown, tweets=len(tweets), stages=tuple(stages), signals=tuple(signals))


def evaluate_support(
    data_dir: Path | None = None,
    *,
    cases_dir: Path | None = None,
    assessor: Assessor | None = None,
    baseline: bool = True,
) -> SupportReport:
    """Compute the routing and stage figures on the cases in ``cases_dir`` (``tests/eval``).

    ``data_dir`` adds the real-tweet figures: our labelled twcs tweets when its A4 folder is
    present (else a line says the data is absent), and Bad Support tweets when A5 is.
    """
    folder = cases_dir or default_cases_dir()
    if not (folder / "cases").is_dir():
        raise InputError(
            f"evaluation cases not found in {folder}: they live in tests/eval of a source checkout"
        )
    chosen = assessor or default_assessor()
    signals = []
    for signal in EVALUATED_SIGNALS:
        for part, subfolder in SIGNAL_PARTS:
            path = folder / subfolder / f"{signal}.yaml"
            if path.is_file():
                signals.append(signal_figures(read_signal_cases(path), part, chosen))
    raters: dict[str, Rater] = {"deescalate": lambda text: chosen.assess(text).stage}
    if baseline:
        vader = vader_rater()
        raters["vader"] = lambda text: vader(text)[1]
    stages = []
    for name, rate in raters.items():
        for part in STAGE_PARTS:
            path = folder / part / "stages.yaml"
            if path.is_file():
                stages.append(_stage_figures(name, rate, read_stage_cases(path), part))
    family_stages: list[StageFigures] = []
    families: list[FamilyFigures] = []
    for part in STAGE_PARTS:
        path = folder / part / FAMILY_FILE
        if path.is_file():
            cases = read_stage_cases(path)
            overall, per_family = family_figures(cases, part, raters["deescalate"])
            family_stages.append(overall)
            families.extend(per_family)
            if "vader" in raters:
                family_stages.append(_stage_figures("vader", raters["vader"], cases, part))
    family_stages.sort(key=lambda g: g.rater != "deescalate")
    bad_support = _bad_support(data_dir, raters) if data_dir is not None else ()
    tweets = _real_tweets(data_dir, folder, raters, chosen)
    return SupportReport(
        tuple(signals),
        tuple(stages),
        bad_support,
        tweets,
        tuple(family_stages),
        tuple(families),
    )
