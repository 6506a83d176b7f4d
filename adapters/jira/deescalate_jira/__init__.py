"""Jira adapter for deescalate, built on the ``jira`` library (Apache-2.0).

``JiraHelpdesk`` implements the Helpdesk protocol (with bulk export and label edits, and
webhook registration) on Jira Cloud and Data Center; ``JiraSettings`` reads its
``DEESCALATE_JIRA_*`` settings. Importing this package contacts nothing.
"""

from __future__ import annotations

from deescalate_jira.helpdesk import JiraHelpdesk
from deescalate_jira.settings import JiraSettings

__all__ = ["JiraHelpdesk", "JiraSettings"]
