"""The ``jira`` client as deescalate needs it, a thin raw-HTTP helper, and the one error map.

The client is built with a timeout on every request, no hidden retries (``max_retries=0``: the
library would otherwise sleep on 429 and replay POSTs, which duplicates comments) and REST API
version 2, whose bodies are plain text. It reads nothing at construction; ``serverInfo`` is read
once, on first use, by the adapter. Every request, the library's and ours, goes to the
configured site root.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from jira import JIRA, JIRAError

from deescalate.errors import AdapterError, AuthError, NotFound, RateLimited
from deescalate_jira.settings import JiraSettings

__all__ = ["JiraHttp", "build_client", "map_errors"]

log = logging.getLogger("deescalate.jira")


def build_client(settings: JiraSettings) -> Any:
    """A ``jira.JIRA`` for the settings' site: Basic auth for Cloud, Bearer for Data Center."""
    auth: dict[str, Any]
    if settings.pat is not None:
        auth = {"token_auth": settings.pat.get_secret_value()}
    else:
        assert settings.email is not None
        assert settings.token is not None
        auth = {"basic_auth": (settings.email, settings.token.get_secret_value())}
    return JIRA(
        server=settings.url,
        options={"rest_api_version": "2", "check_update": False},
        timeout=settings.timeout,
        max_retries=0,
        get_server_info=False,
        **auth,
    )


class JiraHttp:
    """Raw REST calls on the client's session (its auth, headers, timeout and no retries).

    ``path`` is relative to the site root (``/rest/api/2/issue/SUP-1``). Bodies are JSON; an
    empty answer (204) reads as ``{}``.
    """

    def __init__(self, client: Any, site_root: str) -> None:
        self._session = client._session
        self._root = site_root

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._send("GET", path, params=params)

    def put(self, path: str, body: Any, params: Mapping[str, Any] | None = None) -> Any:
        return self._send("PUT", path, params=params, body=body)

    def post(self, path: str, body: Any) -> Any:
        return self._send("POST", path, body=body)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        data = None if body is None else json.dumps(body)
        with map_errors(f"{method} {path}"):
            response = self._session.request(
                method, self._root + path, params=dict(params or {}), data=data
            )
            return read_json(response)


def read_json(response: requests.Response) -> Any:
    """The response's JSON (``{}`` when empty); ``ValueError`` when it is not JSON."""
    if not response.content:
        return {}
    return response.json()


@contextmanager
def map_errors(action: str) -> Iterator[None]:
    """Translate the jira library's and requests' errors into deescalate's, most specific first.

    Messages carry the status code and ``action`` (a method and path), never request or
    response bodies: they hold customers' words. The library's error is stripped of its
    response and request before it is chained, for the same reason (its ``str`` prints both).
    """
    try:
        yield
    except JIRAError as exc:
        status = exc.status_code
        retry_after = _retry_after(exc.response)
        _strip(exc)
        if status == 429:
            raise RateLimited(
                f"Jira is rate limiting {action} (429)", retry_after=retry_after
            ) from exc
        if status in (401, 403):
            raise AuthError(f"Jira refused the credentials for {action} ({status})") from exc
        if status == 404:
            raise NotFound(f"Jira has no such object: {action} (404)") from exc
        raise AdapterError(f"Jira answered {status} to {action}") from exc
    except requests.JSONDecodeError as exc:
        raise AdapterError(f"Jira sent a malformed body for {action} (not JSON)") from exc
    except requests.Timeout as exc:
        raise AdapterError(f"Jira did not answer {action} in time (timeout)") from exc
    except requests.ConnectionError as exc:
        raise AdapterError(f"could not reach Jira for {action} (connection error)") from exc
    except requests.RequestException as exc:
        raise AdapterError(f"the request {action} failed ({exc.__class__.__name__})") from exc
    except ValueError as exc:  # a JSON decoding error
        raise AdapterError(f"Jira sent a malformed body for {action} (not JSON)") from exc


def _retry_after(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:  # an HTTP date
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _strip(exc: JIRAError) -> None:
    exc.response = None
    exc.request = None
    exc.text = None
    exc.headers = None
    if exc.url:
        exc.url = urlsplit(exc.url)._replace(query="").geturl()
