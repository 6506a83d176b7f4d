"""The curated public API is a contract: changes to it are deliberate."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import deescalate

EXPECTED_ALL = [
    "STAGE_GUIDANCE",
    "AdapterError",
    "AppliedChange",
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
    "Delivery",
    "Finding",
    "Helpdesk",
    "HelpdeskBase",
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
    "Priority",
    "Promise",
    "RateLimited",
    "Reminder",
    "RenderedMacro",
    "Role",
    "RulePackError",
    "Runtime",
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
    "TicketChange",
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


def _type_checking_imports() -> dict[str, str]:
    """The names imported under ``if TYPE_CHECKING:`` in deescalate/__init__.py, with their modules."""
    tree = ast.parse(Path(deescalate.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    imported: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom), ast.unparse(node)
        assert node.module, ast.unparse(node)
        for alias in node.names:
            assert alias.asname == alias.name, f"{alias.name} is not re-exported as itself"
            imported[alias.name] = node.module
    return imported


def _generated_imports() -> str:
    """The TYPE_CHECKING block that _PUBLIC_API asks for, ready to paste."""
    by_module: dict[str, list[str]] = {}
    for name in deescalate.__all__:
        if name in deescalate._PUBLIC_API:
            by_module.setdefault(deescalate._PUBLIC_API[name], []).append(name)
    return "".join(
        f"    from {module} import (\n"
        + "".join(f"        {name} as {name},\n" for name in names)
        + "    )\n"
        for module, names in sorted(by_module.items())
    )


def test_type_checking_imports_follow_the_table() -> None:
    """The imports type checkers read name the same objects, from the same modules, as _PUBLIC_API."""
    assert _type_checking_imports() == deescalate._PUBLIC_API, (
        "deescalate/__init__.py: replace the imports under TYPE_CHECKING with\n"
        + _generated_imports()
    )


def test_every_name_comes_from_its_module() -> None:
    """Each public name is the object its module exports under that name."""
    for name, source in deescalate._PUBLIC_API.items():
        module = importlib.import_module(source)
        assert name in module.__all__, f"{source} does not export {name}"
        assert getattr(deescalate, name) is getattr(module, name)


def test_dir_lists_the_public_names() -> None:
    """dir(deescalate) offers exactly the public API, as completion in an editor shows it."""
    assert dir(deescalate) == sorted(EXPECTED_ALL)
