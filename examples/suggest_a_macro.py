"""Suggest reply macros for a difficult conversation, rendered for the customer.

Run: python examples/suggest_a_macro.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from deescalate import MacroValues, suggest_macros
from deescalate.conversation import Conversation, Message, Role


def main() -> None:
    conversation = Conversation(
        (
            Message(Role.CUSTOMER, "Hi, my internet has been down since Monday. I work from home."),
            Message(Role.AGENT, "Thanks for letting us know. I'll update you by 4 pm today."),
            Message(
                Role.CUSTOMER,
                "It's the next day and nobody got back to me. You're not listening. Unacceptable!!",
            ),
        ),
        customer_name="Dana",
        agent_name="Sam",
    )
    values = MacroValues(company="Northwind Broadband", locale="en_US", tz="America/New_York")
    missed = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)  # 4 pm in New York
    for suggestion in suggest_macros(conversation, values, broken_promises=[missed], limit=3):
        print(f"{suggestion.macro} ({suggestion.reason})")
        print(f"  {suggestion.text or 'needs: ' + ', '.join(suggestion.missing)}")


if __name__ == "__main__":
    main()
