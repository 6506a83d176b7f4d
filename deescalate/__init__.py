"""deescalate: help support agents handle difficult customers well.

Rate customer messages on an escalation scale with the evidence (:func:`assess`), and suggest and
render reply macros for a conversation (:func:`suggest_macros`, :func:`render_macro`). Importing
the package is cheap: it loads no rule packs, no settings, no template engine and nothing from
the command line, server or helpdesk adapters until they are used.
"""

from typing import TYPE_CHECKING

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
from deescalate.obligations import (
    Ledger,
    Obligation,
    ObligationKind,
    ObligationState,
    Policy,
)
from deescalate.pipeline import Pipeline, PipelineResult
from deescalate.promises import Promise, find_promises
from deescalate.stages import STAGE_GUIDANCE, Stage

if TYPE_CHECKING:
    from deescalate.settings import Settings
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
    "PipelineResult",
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


def __getattr__(name: str) -> object:
    # Settings pulls in pydantic-settings; load it only when asked for.
    if name == "Settings":
        from deescalate.settings import Settings

        return Settings
    if name in ("SQLiteStore", "open_store"):
        from deescalate import store

        return getattr(store, name)
    if name == "Worker":
        from deescalate.worker import Worker

        return Worker
    raise AttributeError(f"module 'deescalate' has no attribute {name!r}")
