"""The reply coach: judge an agent's draft against the playbook, and find its playbook steps."""

from deescalate.coach.finding import Finding, Severity
from deescalate.coach.linter import Coach, CustomerContext, default_coach, lint_reply
from deescalate.steps import StepEvidence, find_steps, steps_shown

__all__ = [
    "Coach",
    "CustomerContext",
    "Finding",
    "Severity",
    "StepEvidence",
    "default_coach",
    "find_steps",
    "lint_reply",
    "steps_shown",
]
