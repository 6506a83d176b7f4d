"""Evaluation against public data sets (development only; the data is never shipped)."""

from deescalate.evaluation.metrics import pearson, quadratic_weighted_kappa, spearman

__all__ = ["pearson", "quadratic_weighted_kappa", "spearman"]
