"""Zendesk adapter for deescalate, built on zenpy (GPL-3.0-or-later, like zenpy).

``ZendeskHelpdesk`` implements :class:`deescalate.helpdesk.Helpdesk` (and the bulk and webhook
set-up extensions) for a Zendesk Support account; ``ZendeskSettings`` holds its configuration
(``DEESCALATE_ZENDESK_*``). Importing this package contacts nothing and imports zenpy only when
an adapter is built.
"""

from __future__ import annotations

from deescalate_zendesk.helpdesk import ZendeskHelpdesk
from deescalate_zendesk.settings import ZendeskSettings

__all__ = ["ZendeskHelpdesk", "ZendeskSettings"]
