"""deescalate: help support agents handle difficult customers well.

Rate customer messages on an escalation scale with the evidence (:func:`assess`), and suggest and
render reply macros for a conversation (:func:`suggest_macros`, :func:`render_macro`). Importing
the package is cheap: it loads no rule packs, no settings, no template engine and nothing from
the command line, server or helpdesk adapters until they are used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deescalate.assessment import (
        Assessment,
        Assessor,
        Cue,
        ScoringWeights,
        Signal,
        assess,
        assess_many,
    )
    from deescalate.calendar import BusinessCalendar
    from deescalate.coach import Coach, Finding, Severity, lint_reply
    from deescalate.conversation import (
        Conversation,
        ConversationSummary,
        Message,
        Role,
        Trend,
        summarize,
    )
    from deescalate.errors import (
        AdapterError,
        AuthError,
        ConfigurationError,
        DeescalateError,
        HelpdeskError,
        InputError,
        MissingExtraError,
        MissingValuesError,
        NotFound,
        RateLimited,
        RulePackError,
        StoreError,
        TemplateError,
        UnknownTimeZoneError,
        WebhookVerificationError,
    )
    from deescalate.helpdesk import (
        AuthorRole,
        Comment,
        Helpdesk,
        Ticket,
        TicketEvent,
        TicketEventKind,
        TicketRef,
    )
    from deescalate.macros import (
        Macro,
        MacroLibrary,
        MacroValues,
        RenderedMacro,
        Suggestion,
        render_macro,
        suggest_macros,
    )
    from deescalate.obligations import Ledger, Obligation, ObligationKind, ObligationState, Policy
    from deescalate.pipeline import Pipeline, Plan
    from deescalate.promises import Promise, find_promises
    from deescalate.settings import Settings
    from deescalate.stages import STAGE_GUIDANCE, Stage
    from deescalate.store import SQLiteStore, open_store
    from deescalate.worker import Worker

__version__ = "0.1.0"

__all__ = [
    "STAGE_GUIDANCE",
    "AdapterError",
    "Assessment",
    "Assessor",
    "AuthError",
    "AuthorRole",
    "BusinessCalendar",
    "Coach",
    "Comment",
    "ConfigurationError",
    "Conversation",
    "ConversationSummary",
    "Cue",
    "DeescalateError",
    "Finding",
    "Helpdesk",
    "HelpdeskError",
    "InputError",
    "Ledger",
    "Macro",
    "MacroLibrary",
    "MacroValues",
    "Message",
    "MissingExtraError",
    "MissingValuesError",
    "NotFound",
    "Obligation",
    "ObligationKind",
    "ObligationState",
    "Pipeline",
    "Plan",
    "Policy",
    "Promise",
    "RateLimited",
    "RenderedMacro",
    "Role",
    "RulePackError",
    "SQLiteStore",
    "ScoringWeights",
    "Settings",
    "Severity",
    "Signal",
    "Stage",
    "StoreError",
    "Suggestion",
    "TemplateError",
    "Ticket",
    "TicketEvent",
    "TicketEventKind",
    "TicketRef",
    "Trend",
    "UnknownTimeZoneError",
    "WebhookVerificationError",
    "Worker",
    "__version__",
    "assess",
    "assess_many",
    "find_promises",
    "lint_reply",
    "open_store",
    "render_macro",
    "suggest_macros",
    "summarize",
]

# Every public name lives in a submodule and is imported on first use, so ``import deescalate``
# costs next to nothing and pulls in no rule packs, pydantic, YAML or template engine.
_SOURCES: dict[str, str] = {
    "AdapterError": "deescalate.errors",
    "Assessment": "deescalate.assessment",
    "Assessor": "deescalate.assessment",
    "AuthError": "deescalate.errors",
    "AuthorRole": "deescalate.helpdesk",
    "BusinessCalendar": "deescalate.calendar",
    "Coach": "deescalate.coach",
    "Comment": "deescalate.helpdesk",
    "ConfigurationError": "deescalate.errors",
    "Conversation": "deescalate.conversation",
    "ConversationSummary": "deescalate.conversation",
    "Cue": "deescalate.assessment",
    "DeescalateError": "deescalate.errors",
    "Finding": "deescalate.coach",
    "Helpdesk": "deescalate.helpdesk",
    "HelpdeskError": "deescalate.errors",
    "InputError": "deescalate.errors",
    "Ledger": "deescalate.obligations",
    "Macro": "deescalate.macros",
    "MacroLibrary": "deescalate.macros",
    "MacroValues": "deescalate.macros",
    "Message": "deescalate.conversation",
    "MissingExtraError": "deescalate.errors",
    "MissingValuesError": "deescalate.errors",
    "NotFound": "deescalate.errors",
    "Obligation": "deescalate.obligations",
    "ObligationKind": "deescalate.obligations",
    "ObligationState": "deescalate.obligations",
    "Pipeline": "deescalate.pipeline",
    "Plan": "deescalate.pipeline",
    "Policy": "deescalate.obligations",
    "Promise": "deescalate.promises",
    "RateLimited": "deescalate.errors",
    "RenderedMacro": "deescalate.macros",
    "Role": "deescalate.conversation",
    "RulePackError": "deescalate.errors",
    "SQLiteStore": "deescalate.store",
    "STAGE_GUIDANCE": "deescalate.stages",
    "ScoringWeights": "deescalate.assessment",
    "Settings": "deescalate.settings",
    "Severity": "deescalate.coach",
    "Signal": "deescalate.assessment",
    "Stage": "deescalate.stages",
    "StoreError": "deescalate.errors",
    "Suggestion": "deescalate.macros",
    "TemplateError": "deescalate.errors",
    "Ticket": "deescalate.helpdesk",
    "TicketEvent": "deescalate.helpdesk",
    "TicketEventKind": "deescalate.helpdesk",
    "TicketRef": "deescalate.helpdesk",
    "Trend": "deescalate.conversation",
    "UnknownTimeZoneError": "deescalate.errors",
    "WebhookVerificationError": "deescalate.errors",
    "Worker": "deescalate.worker",
    "assess": "deescalate.assessment",
    "assess_many": "deescalate.assessment",
    "find_promises": "deescalate.promises",
    "lint_reply": "deescalate.coach",
    "open_store": "deescalate.store",
    "render_macro": "deescalate.macros",
    "suggest_macros": "deescalate.macros",
    "summarize": "deescalate.conversation",
}


def __getattr__(name: str) -> object:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'deescalate' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
