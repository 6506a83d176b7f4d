"""Searching issues page by page: Cloud's ``/search/jql`` (``nextPageToken``) and Data Center's
``/search`` (``startAt``), behind one opaque, resumable cursor.

The query is ``(<jql>) AND updated >= "<since>" ORDER BY key ASC``: ordered by key, which a
write does not change, so labelling the issues of one page while exporting does not move the
others between pages. Times are written in the API user's own time zone, as JQL reads them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deescalate.errors import AdapterError, InputError
from deescalate_jira.convert import ISSUE_FIELDS

if TYPE_CHECKING:
    from deescalate_jira.helpdesk import JiraHelpdesk

__all__ = ["SearchPage", "decode_cursor", "encode_cursor", "page"]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """The issues' JSON of one page, the cursor of the next (None on the last) and ``done``."""

    issues: tuple[Mapping[str, Any], ...]
    cursor: str | None
    done: bool


def encode_cursor(state: Mapping[str, Any]) -> str:
    """An opaque cursor for ``state`` (the query and where the next page starts)."""
    text = json.dumps({"v": 1, **state}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The state a cursor holds, or ``InputError`` when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InputError("not a Jira export cursor (it was changed or cut)") from exc
    if not isinstance(state, dict) or state.get("v") != 1 or not isinstance(state.get("q"), str):
        raise InputError("not a Jira export cursor (it was changed or cut)")
    return state


def query(desk: JiraHelpdesk, since: datetime, jql: str | None) -> str:
    """The JQL of an export: the configured filter, updated since ``since``, by key."""
    if since.tzinfo is None:
        raise InputError("since must be an aware datetime")
    base = jql if jql is not None else desk.settings.jql
    window = f'updated >= "{desk.jql_time(since)}"'
    where = f"({base}) AND {window}" if base else window
    return f"{where} ORDER BY key ASC"


def page(
    desk: JiraHelpdesk,
    *,
    since: datetime,
    cursor: str | None,
    with_comments: bool,
    jql: str | None = None,
) -> SearchPage:
    """One page of the search, fetched with the fields a ticket needs (and its comments)."""
    state = decode_cursor(cursor) if cursor else {"q": query(desk, since, jql)}
    fields = (*ISSUE_FIELDS, "comment") if with_comments else ("updated",)
    params: dict[str, Any] = {
        "jql": state["q"],
        "fields": ",".join(fields),
        "maxResults": desk.settings.page_size,
    }
    if desk.is_cloud:
        if state.get("t"):
            params["nextPageToken"] = state["t"]
        answer = desk.http.get("/rest/api/2/search/jql", params)
        issues = _issues(answer)
        token = answer.get("nextPageToken")
        done = bool(answer.get("isLast", not token)) or not token
        next_state = {"q": state["q"], "t": token}
    else:
        start = int(state.get("s") or 0)
        params["startAt"] = start
        answer = desk.http.get("/rest/api/2/search", params)
        issues = _issues(answer)
        start += len(issues)
        done = not issues or start >= int(answer.get("total") or 0)
        next_state = {"q": state["q"], "s": start}
    return SearchPage(issues, None if done else encode_cursor(next_state), done)


def _issues(answer: Any) -> tuple[Mapping[str, Any], ...]:
    issues = answer.get("issues") if isinstance(answer, Mapping) else None
    if not isinstance(issues, list) or not all(isinstance(i, Mapping) for i in issues):
        raise AdapterError("Jira sent a search result without an issues list")
    return tuple(issues)
