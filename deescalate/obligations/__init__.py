"""Follow-through and follow-up obligations, their policy and the ledger that keeps them."""

from deescalate.obligations.ledger import Ledger
from deescalate.obligations.model import (
    Obligation,
    ObligationEvent,
    ObligationKind,
    ObligationState,
    Task,
    obligation_key,
)
from deescalate.obligations.policy import Policy

__all__ = [
    "Ledger",
    "Obligation",
    "ObligationEvent",
    "ObligationKind",
    "ObligationState",
    "Policy",
    "Task",
    "obligation_key",
]
