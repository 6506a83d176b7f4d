"""The zenpy client as deescalate needs it, a raw-HTTP helper beside it, and the one error map.

zenpy's defaults do not suit a webhook service (see the research notes in the docs): it caches
objects, sleeps on 429 for as long as Zendesk says, retries a 503 on any method (so a PUT that posts
a note can be replayed) and builds every URL from ``https://SUBDOMAIN.zendesk.com``. Here:

* zenpy gets our own :class:`requests.Session`, so it mounts no retry adapter: nothing is retried
  behind our back, and a failed write is reported, not replayed;
* a response hook raises on 429 before zenpy sees it, so zenpy never sleeps; the error becomes
  ``RateLimited(retry_after=...)``;
* every request (zenpy's, the links it follows, and ours) is sent to the configured site root,
  without process-global variables such as ``ZENPY_FORCE_NETLOC``;
* every request has a timeout.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from deescalate.errors import AdapterError, AuthError, NotFound, RateLimited
from deescalate_zendesk.settings import ZendeskSettings

__all__ = ["ZendeskClient", "map_errors"]

log = logging.getLogger("deescalate.zendesk")


class _RateLimitedResponseError(Exception):
    """Raised from the response hook on a 429, before zenpy can sleep on it."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__("429")
        self.response = response


class _SiteSession(requests.Session):
    """A session that sends every request to one site root, always with a timeout."""

    def __init__(self, site_root: str, timeout: float) -> None:
        super().__init__()
        self.site_root = urlsplit(site_root)
        self.default_timeout = timeout
        self.calls = 0
        no_retries = HTTPAdapter(max_retries=0)
        self.mount("https://", no_retries)
        self.mount("http://", no_retries)
        self.hooks["response"].append(_raise_on_429)

    def request(  # type: ignore[override] # the base's many keywords, passed through as they are
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", self.default_timeout)
        if kwargs["timeout"] is None:
            kwargs["timeout"] = self.default_timeout
        self.calls += 1
        return super().request(method, self._moved(url), *args, **kwargs)

    def _moved(self, url: str) -> str:
        parts = urlsplit(url)
        path = parts.path
        root_path = self.site_root.path.rstrip("/")
        if root_path and path.startswith(root_path + "/"):
            path = path[len(root_path) :]
        return urlunsplit(
            (self.site_root.scheme, self.site_root.netloc, root_path + path, parts.query, "")
        )


def _point_zenpy(zenpy: Any, site_root: SplitResult) -> None:
    """Make zenpy build its URLs at the site root, object by object (no process-global state).

    zenpy joins ``subdomain`` and ``domain`` with a dot, so the host is split at its first dot;
    zenpy also checks that answers come from that host before it reads them.
    """
    from zenpy.lib.api import BaseApi

    subdomain, _, domain = site_root.netloc.partition(".")
    prefix = "/".join(p for p in (site_root.path.strip("/"), "api/v2") if p)
    for api in vars(zenpy).values():
        if isinstance(api, BaseApi):
            api.protocol = site_root.scheme
            api.subdomain = subdomain
            api.domain = domain
            api.api_prefix = prefix


def _raise_on_429(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    if response.status_code == 429:
        response.close()  # hand the connection back before leaving requests' own handling
        raise _RateLimitedResponseError(response)


class ZendeskClient:
    """A zenpy client and a raw helper sharing one session pointed at the site root.

    ``calls`` counts the HTTP requests sent so far (zenpy's and raw ones alike).
    """

    def __init__(self, settings: ZendeskSettings) -> None:
        from zenpy import Zenpy

        self.settings = settings
        self.session = _SiteSession(settings.site_root, settings.timeout)
        if settings.oauth_token is not None:
            credentials: dict[str, Any] = {"oauth_token": settings.oauth_token.get_secret_value()}
        else:
            assert settings.token is not None  # the settings' own check guarantees it
            credentials = {"email": settings.email, "token": settings.token.get_secret_value()}
        with map_errors("building the zenpy client"):
            self.zenpy: Any = Zenpy(
                subdomain=settings.subdomain or "site-root",  # replaced by _point_zenpy
                session=self.session,
                timeout=settings.timeout,
                disable_cache=True,
                proactive_ratelimit=None,
                ratelimit_budget=None,
                **credentials,
            )
        _point_zenpy(self.zenpy, self.session.site_root)

    @property
    def calls(self) -> int:
        return self.session.calls

    def url(self, path: str) -> str:
        """The absolute URL of ``/api/v2/...`` at the site root."""
        return self.settings.site_root + path

    def get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """GET a path (or an absolute link Zendesk gave us) and return its JSON object."""
        target = path if path.startswith(("http://", "https://")) else self.url(path)
        with map_errors(f"GET {urlsplit(path).path}"):
            return self._json(self.session.get(target, params=params), "GET", path)

    def put(
        self, path: str, body: Mapping[str, Any], params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """PUT a JSON body and return the JSON object answered."""
        with map_errors(f"PUT {path}"):
            response = self.session.put(self.url(path), json=body, params=params)
            return self._json(response, "PUT", path)

    def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST a JSON body and return the JSON object answered."""
        with map_errors(f"POST {path}"):
            return self._json(self.session.post(self.url(path), json=body), "POST", path)

    def close(self) -> None:
        self.session.close()

    @staticmethod
    def _json(response: requests.Response, method: str, path: str) -> dict[str, Any]:
        where = f"{method} {urlsplit(path).path}"
        if not response.ok:
            raise _status_error(response.status_code, where, response.headers)
        try:
            data = response.json()
        except ValueError as exc:
            raise AdapterError(f"Zendesk answered {where} with a body that is not JSON") from exc
        if not isinstance(data, dict):
            raise AdapterError(f"Zendesk answered {where} with JSON that is not an object")
        return data


def _status_error(status: int, where: str, headers: Mapping[str, str]) -> Exception:
    """The deescalate error for an HTTP status (message: status and where, never the body)."""
    if status == 429:
        return _rate_limited(headers, where)
    message = f"Zendesk answered {where} with HTTP {status}"
    if status in (401, 403):
        return AuthError(f"{message}: check the email, API token or OAuth token and its scopes")
    if status == 404:
        return NotFound(message)
    return AdapterError(message)


def _rate_limited(headers: Mapping[str, str], where: str) -> RateLimited:
    raw = headers.get("Retry-After") or headers.get("retry-after") or ""
    try:
        retry_after = max(0.0, float(raw))
    except ValueError:
        retry_after = 60.0  # Zendesk always sends seconds; a missing value gets a cautious minute
    return RateLimited(
        f"Zendesk rate limit on {where}; retry after {retry_after:g} s", retry_after=retry_after
    )


@contextlib.contextmanager
def map_errors(action: str) -> Iterator[None]:
    """Translate zenpy's and requests' errors met while doing ``action`` to deescalate's.

    Most specific first; messages carry the status code and what was being done, never a
    request or response body (they hold customers' words).
    """
    from zenpy.lib.exception import APIException, RecordNotFoundException, ZenpyException

    try:
        yield
    except _RateLimitedResponseError as exc:
        raise _rate_limited(exc.response.headers, action) from exc
    except RecordNotFoundException as exc:
        raise NotFound(f"Zendesk has no such record ({action})") from exc
    except APIException as exc:
        response = getattr(exc, "response", None)
        status = response.status_code if response is not None else 0
        headers = response.headers if response is not None else {}
        raise _status_error(status, action, headers) from exc
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        headers = exc.response.headers if exc.response is not None else {}
        raise _status_error(status, action, headers) from exc
    except requests.Timeout as exc:
        raise AdapterError(f"Zendesk did not answer in time ({action}): timeout") from exc
    except requests.ConnectionError as exc:
        raise AdapterError(f"could not reach Zendesk ({action}): connection failed") from exc
    except requests.RequestException as exc:
        raise AdapterError(f"request to Zendesk failed ({action}): {type(exc).__name__}") from exc
    except ZenpyException as exc:
        raise AdapterError(f"zenpy could not handle Zendesk's answer ({action})") from exc
    except ValueError as exc:  # zenpy's JSON decoding of a malformed body
        raise AdapterError(f"Zendesk's answer could not be read ({action})") from exc
