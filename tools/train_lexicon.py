"""Fit the shipped word lexicon on GoEmotions (Apache-2.0), the only data cleared for shipping.

Usage (development only; needs ``pip install scikit-learn numpy`` and ../shared/data)::

    .venv/bin/python tools/train_lexicon.py [--data ../shared/data] [--out deescalate/assessment/model/lexicon.tsv]

GoEmotions' training split is divided once (fixed seed) into a fitting part (90 %) and a tuning
part (10 %) used to choose the regularization; GoEmotions' dev split and every other data set stay
untouched for reporting. The target is an anger level in stage units taken from the comment's
labels, so each learned weight reads as "stages of anger this word adds".
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from deescalate.evaluation.metrics import spearman

WORDS = re.compile(r"[a-z0-9]+")
ELONGATION = re.compile(r"([a-z])\1{2,}")
# Checked on SemEval-2018 EI-reg train (never reported on): 10 and 30 are within 0.02 there.
ALPHAS = (10.0,)


def words(text: str) -> list[str]:
    """The tokenization the assessor uses: lower case, letters run to at most two."""
    return WORDS.findall(ELONGATION.sub(r"\1\1", text.lower()))


SEED = 20261124
# Anger level per GoEmotions label, in stage units; a comment takes its highest level.
LEVELS = {
    "anger": 3.0,
    "disgust": 2.4,
    "annoyance": 1.5,
    "disapproval": 1.4,
    "disappointment": 1.6,
    "confusion": 0.8,
    "sadness": 0.6,
    "embarrassment": 0.4,
    "fear": 0.4,
    "nervousness": 0.3,
    "remorse": 0.2,
    "grief": 0.5,
    "neutral": 0.0,
    "surprise": 0.0,
    "realization": 0.0,
    "curiosity": 0.0,
    "desire": 0.0,
    "admiration": -0.6,
    "amusement": -0.4,
    "approval": -0.4,
    "caring": -0.4,
    "excitement": -0.5,
    "gratitude": -0.8,
    "joy": -0.6,
    "love": -0.7,
    "optimism": -0.4,
    "pride": -0.4,
    "relief": -0.5,
}


def read_goemotions(path: Path, names: list[str]) -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for text, label_ids, _ in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            labels = [names[int(i)] for i in label_ids.split(",")]
            positive = [LEVELS[x] for x in labels if LEVELS[x] > 0]
            level = max(positive) if positive else min(LEVELS[x] for x in labels)
            rows.append((text, level))
    return rows


def features(texts: list[str], vocab: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for text in texts:
        ids = sorted({vocab[w] for w in words(text) if w in vocab})
        indices.extend(ids)
        indptr.append(len(indices))
    data = [1.0] * len(indices)
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(vocab)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("deescalate/assessment/model/lexicon.tsv"))
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args(argv)
    from sklearn.linear_model import Ridge

    folder = args.data / "A3-goemotions"
    names = (folder / "emotions.txt").read_text(encoding="utf-8").split()
    rows = read_goemotions(folder / "train.tsv", names)
    random.Random(SEED).shuffle(rows)
    cut = len(rows) * 9 // 10
    fit, tune = rows[:cut], rows[cut:]
    counts = Counter(w for text, _ in fit for w in set(words(text)))
    vocab = {
        w: i for i, w in enumerate(sorted(w for w, n in counts.items() if n >= args.min_count))
    }
    x_fit, y_fit = features([t for t, _ in fit], vocab), [y for _, y in fit]
    x_tune, y_tune = features([t for t, _ in tune], vocab), [y for _, y in tune]
    best: tuple[float, float, Any] | None = None
    for alpha in ALPHAS:
        model = Ridge(alpha=alpha).fit(x_fit, y_fit)
        rho = spearman(list(model.predict(x_tune)), y_tune)
        print(f"alpha={alpha:6.1f}  tuning-split Spearman={rho:.4f}", file=sys.stderr)
        if best is None or rho > best[0]:
            best = (rho, alpha, model)
    assert best is not None
    rho, alpha, model = best
    inverse = {i: w for w, i in vocab.items()}
    weights = sorted(
        ((inverse[i], float(c)) for i, c in enumerate(model.coef_) if abs(c) >= 0.01),
        key=lambda item: item[0],
    )
    lines = [
        "# deescalate word lexicon: ridge regression from word presence to anger level (stage units)",
        f"# fitted by tools/train_lexicon.py on GoEmotions train (Apache-2.0), alpha={alpha},"
        f" tuning-split Spearman={rho:.4f}",
        f"#intercept\t{float(model.intercept_):.5f}",
        *(f"{word}\t{weight:.4f}" for word, weight in weights),
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(weights)} weights to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
