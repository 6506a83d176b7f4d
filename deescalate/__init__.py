"""deescalate: help support agents handle difficult customers well.

Rate customer messages on an escalation scale with the evidence (:func:`assess`), and suggest and
render reply macros for a conversation (:func:`suggest_macros`, :func:`render_macro`). Importing
the package is cheap: it loads no rule packs, no settings, no template engine and nothing from
the command line, server or helpdesk adapters until they are used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# The public API, once: each name and the submodule it lives in. ``__all__`` and the lazy
# ``__getattr__`` below are derived from it; the imports under TYPE_CHECKING, which let type
# checkers see each name's type, are checked against it by tests/unit/test_public_api.py.
# Every name is imported on first use, so ``import deescalate`` costs next to nothing and pulls
# in no rule packs, pydantic, YAML or template engine.
_PUBLIC_API: dict[str, str] = {
    "STAGE_GUIDANCE": "deescalate.stages",
    "AdapterError": "deescalate.errors",
    "AppliedChange": "deescalate.helpdesk",
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
    "Delivery": "deescalate.helpdesk",
    "Finding": "deescalate.coach",
    "Helpdesk": "deescalate.helpdesk",
    "HelpdeskBase": "deescalate.helpdesk",
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
    "Priority": "deescalate.helpdesk",
    "Promise": "deescalate.promises",
    "RateLimited": "deescalate.errors",
    "Reminder": "deescalate.helpdesk",
    "RenderedMacro": "deescalate.macros",
    "Role": "deescalate.conversation",
    "Runtime": "deescalate.runtime",
    "RulePackError": "deescalate.errors",
    "SQLiteStore": "deescalate.store",
    "ScoringWeights": "deescalate.assessment",
    "Settings": "deescalate.settings",
    "Severity": "deescalate.coach",
    "Signal": "deescalate.assessment",
    "Stage": "deescalate.stages",
    "StoreError": "deescalate.errors",
    "Suggestion": "deescalate.macros",
    "TemplateError": "deescalate.errors",
    "Ticket": "deescalate.helpdesk",
    "TicketChange": "deescalate.helpdesk",
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

__all__ = sorted([*_PUBLIC_API, "__version__"], key=lambda name: (not name.isupper(), name))

if TYPE_CHECKING:
    # Generated from _PUBLIC_API (the test prints the block when the two differ); ``X as X``
    # marks each name as re-exported, which mypy --strict asks of a name not in a literal
    # ``__all__``. The isort comments keep each module's names in one import (ruff would split
    # an import of aliases into one per name).
    # isort: off
    from deescalate.assessment import (
        Assessment as Assessment,
        Assessor as Assessor,
        Cue as Cue,
        ScoringWeights as ScoringWeights,
        Signal as Signal,
        assess as assess,
        assess_many as assess_many,
    )
    from deescalate.calendar import (
        BusinessCalendar as BusinessCalendar,
    )
    from deescalate.coach import (
        Coach as Coach,
        Finding as Finding,
        Severity as Severity,
        lint_reply as lint_reply,
    )
    from deescalate.conversation import (
        Conversation as Conversation,
        ConversationSummary as ConversationSummary,
        Message as Message,
        Role as Role,
        Trend as Trend,
        summarize as summarize,
    )
    from deescalate.errors import (
        AdapterError as AdapterError,
        AuthError as AuthError,
        ConfigurationError as ConfigurationError,
        DeescalateError as DeescalateError,
        HelpdeskError as HelpdeskError,
        InputError as InputError,
        MissingExtraError as MissingExtraError,
        MissingValuesError as MissingValuesError,
        NotFound as NotFound,
        RateLimited as RateLimited,
        RulePackError as RulePackError,
        StoreError as StoreError,
        TemplateError as TemplateError,
        UnknownTimeZoneError as UnknownTimeZoneError,
        WebhookVerificationError as WebhookVerificationError,
    )
    from deescalate.helpdesk import (
        AppliedChange as AppliedChange,
        AuthorRole as AuthorRole,
        Comment as Comment,
        Delivery as Delivery,
        Helpdesk as Helpdesk,
        HelpdeskBase as HelpdeskBase,
        Priority as Priority,
        Reminder as Reminder,
        Ticket as Ticket,
        TicketChange as TicketChange,
        TicketEvent as TicketEvent,
        TicketEventKind as TicketEventKind,
        TicketRef as TicketRef,
    )
    from deescalate.macros import (
        Macro as Macro,
        MacroLibrary as MacroLibrary,
        MacroValues as MacroValues,
        RenderedMacro as RenderedMacro,
        Suggestion as Suggestion,
        render_macro as render_macro,
        suggest_macros as suggest_macros,
    )
    from deescalate.obligations import (
        Ledger as Ledger,
        Obligation as Obligation,
        ObligationKind as ObligationKind,
        ObligationState as ObligationState,
        Policy as Policy,
    )
    from deescalate.pipeline import (
        Pipeline as Pipeline,
        Plan as Plan,
    )
    from deescalate.promises import (
        Promise as Promise,
        find_promises as find_promises,
    )
    from deescalate.runtime import (
        Runtime as Runtime,
    )
    from deescalate.settings import (
        Settings as Settings,
    )
    from deescalate.stages import (
        STAGE_GUIDANCE as STAGE_GUIDANCE,
        Stage as Stage,
    )
    from deescalate.store import (
        SQLiteStore as SQLiteStore,
        open_store as open_store,
    )
    from deescalate.worker import (
        Worker as Worker,
    )
    # isort: on


def __getattr__(name: str) -> object:
    source = _PUBLIC_API.get(name)
    if source is None:
        raise AttributeError(f"module 'deescalate' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
