"""Small factories for macro tests: realistic values and conversations."""

from __future__ import annotations

from datetime import UTC, datetime

from deescalate.conversation import Conversation, Message, Role
from deescalate.macros import MacroValues

PROMISED = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
NEXT_CONTACT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)

PROBLEMS = {
    "en": "your router drops the connection every evening",
    "es": "mi router pierde la conexión todas las noches",
}

STATUSES = {
    "en": "our engineers found a faulty line card and a replacement is on its way.",
    "es": "nuestros técnicos han encontrado una tarjeta de línea averiada y ya va una nueva.",
}


def values(language: str = "en", **changes: object) -> MacroValues:
    """Values a real ticket would have, in ``language``."""
    fields: dict[str, object] = {
        "customer_name": "Dana" if language == "en" else "Lucía",
        "agent_name": "Sam" if language == "en" else "Javier",
        "company": "Northwind Broadband",
        "problem": PROBLEMS[language],
        "promised_at": PROMISED,
        "next_contact_at": NEXT_CONTACT,
        "status": STATUSES[language],
        "locale": "en_US" if language == "en" else "es_ES",
        "tz": "America/New_York" if language == "en" else "Europe/Madrid",
    }
    fields.update(changes)
    return MacroValues(**fields)  # type: ignore[arg-type]


def conversation(*turns: tuple[str, str], name: str = "Dana") -> Conversation:
    """A conversation of ``(role, text)`` turns with the customer's and agent's names."""
    messages = tuple(Message(Role(role), text) for role, text in turns)
    return Conversation(messages, customer_name=name, agent_name="Sam")
