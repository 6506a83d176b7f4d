"""Rank correlation and agreement metrics, in plain Python so evaluation needs no SciPy."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["pearson", "quadratic_weighted_kappa", "ranks", "spearman"]


def ranks(values: Sequence[float]) -> list[float]:
    """Fractional ranks (ties share the mean of their positions), starting at 0."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2
        i = j + 1
    return result


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's correlation; NaN when either side is constant."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("pearson() needs two sequences of the same length, at least 2")
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    vx = math.sqrt(sum((a - mx) ** 2 for a in xs))
    vy = math.sqrt(sum((b - my) ** 2 for b in ys))
    return cov / (vx * vy) if vx and vy else math.nan


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation (Pearson on fractional ranks)."""
    return pearson(ranks(xs), ranks(ys))


def quadratic_weighted_kappa(gold: Sequence[int], predicted: Sequence[int], classes: int) -> float:
    """Cohen's kappa with quadratic weights over ordinal classes ``0 .. classes-1``."""
    if len(gold) != len(predicted) or not gold:
        raise ValueError("quadratic_weighted_kappa() needs two non-empty sequences of one length")
    observed = [[0.0] * classes for _ in range(classes)]
    for g, p in zip(gold, predicted, strict=True):
        observed[g][p] += 1
    n = len(gold)
    gold_totals = [sum(row) for row in observed]
    pred_totals = [sum(observed[i][j] for i in range(classes)) for j in range(classes)]
    numerator = denominator = 0.0
    for i in range(classes):
        for j in range(classes):
            weight = (i - j) ** 2 / (classes - 1) ** 2
            numerator += weight * observed[i][j]
            denominator += weight * gold_totals[i] * pred_totals[j] / n
    return 1.0 - numerator / denominator if denominator else math.nan
