"""The curated public API is a contract: changes to it are deliberate."""

from __future__ import annotations

import subprocess
import sys

import pytest

import deescalate

EXPECTED_ALL = [
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


def test_all_is_pinned() -> None:
    """``deescalate.__all__`` lists exactly the public names."""
    assert deescalate.__all__ == EXPECTED_ALL


def test_every_public_name_resolves() -> None:
    """Each name in ``__all__`` is importable from the package."""
    for name in deescalate.__all__:
        assert getattr(deescalate, name) is not None


def test_unknown_attribute_raises_attribute_error() -> None:
    """A misspelt name fails like any module attribute."""
    with pytest.raises(AttributeError, match="asses"):
        deescalate.asses  # noqa: B018


def test_import_is_light() -> None:
    """``import deescalate`` loads no CLI, settings, YAML, pydantic, Jinja2, Babel or adapter module."""
    heavy = [
        "deescalate.cli",
        "pydantic",
        "yaml",
        "jinja2",
        "babel",
        "zenpy",
        "jira",
        "deescalate_zendesk",
        "deescalate_jira",
    ]
    code = f"import sys, deescalate; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_errors_share_one_root() -> None:
    """Every exception the library exports derives from DeescalateError."""
    errors = [
        getattr(deescalate, n)
        for n in deescalate.__all__
        if n.endswith("Error") or n in {"NotFound", "RateLimited"}
    ]
    assert errors
    assert all(issubclass(e, deescalate.DeescalateError) for e in errors)
