"""Zendesk adapter for deescalate, built on zenpy (GPL-3.0-or-later, like zenpy).

This first release configures a zenpy client the way deescalate needs it (no hidden cache, no
unbounded sleeping on rate limits); the Helpdesk protocol methods arrive with the adapter issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ZendeskHelpdesk"]


@dataclass(frozen=True)
class ZendeskHelpdesk:
    """A Zendesk account reached through zenpy with an API token."""

    subdomain: str
    email: str
    token: str
    name = "zendesk"

    def client(self) -> Any:
        """A zenpy client with its object cache disabled and rate limits surfaced, not slept on."""
        from zenpy import Zenpy

        client = Zenpy(
            subdomain=self.subdomain, email=self.email, token=self.token, proactive_ratelimit=None
        )
        client.disable_caching()
        return client
