"""Escalation assessment: rate a customer message on the stage scale, with the evidence."""

from deescalate.assessment.assessor import (
    Assessor,
    Detector,
    ScoringWeights,
    assess,
    assess_many,
    default_assessor,
)
from deescalate.assessment.rater import Rater
from deescalate.assessment.result import Assessment, Cue, Signal

__all__ = [
    "Assessment",
    "Assessor",
    "Cue",
    "Detector",
    "Rater",
    "ScoringWeights",
    "Signal",
    "assess",
    "assess_many",
    "default_assessor",
]
