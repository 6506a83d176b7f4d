"""Jira adapter for deescalate, built on the ``jira`` library (Apache-2.0).

This first release configures a ``jira.JIRA`` client the way deescalate needs it (no retries
hidden inside the client: the worker owns retry policy); the Helpdesk protocol methods arrive
with the adapter issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["JiraHelpdesk"]


@dataclass(frozen=True)
class JiraHelpdesk:
    """A Jira Cloud or Jira Service Management site reached with an e-mail and API token."""

    server: str
    email: str
    token: str
    name = "jira"

    def client(self) -> Any:
        """A ``jira.JIRA`` client with the library's own retries switched off."""
        from jira import JIRA

        return JIRA(
            server=self.server,
            basic_auth=(self.email, self.token),
            max_retries=0,
            get_server_info=False,
        )
