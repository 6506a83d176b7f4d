"""Macros: reply building blocks as data, rendered safely and suggested for the conversation.

The shipped library (``deescalate/macros/library/*.yaml``) has the macros named in
:data:`MACRO_NAMES` in English and Spanish; teams add their own files. Importing this package
loads neither Jinja2 nor Babel nor the YAML files: they are read on first use.
"""

from deescalate.macros.library import MacroLibrary, builtin_library_paths, load_library_file
from deescalate.macros.models import (
    MACRO_NAMES,
    PLACEHOLDERS,
    Macro,
    MacroValues,
    RenderedMacro,
    Suggestion,
    Variant,
)
from deescalate.macros.render import render_macro, render_template
from deescalate.macros.restatement import ProblemStatement, find_problem, to_second_person
from deescalate.macros.suggest import suggest_macros

__all__ = [
    "MACRO_NAMES",
    "PLACEHOLDERS",
    "Macro",
    "MacroLibrary",
    "MacroValues",
    "ProblemStatement",
    "RenderedMacro",
    "Suggestion",
    "Variant",
    "builtin_library_paths",
    "find_problem",
    "load_library_file",
    "render_macro",
    "render_template",
    "suggest_macros",
    "to_second_person",
]
