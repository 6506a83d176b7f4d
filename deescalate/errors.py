"""The exceptions deescalate raises: one root, a small tree.

::

    DeescalateError
    ├── InputError                  bad input from a caller (empty where text is required, bad types)
    │   └── UnknownTimeZoneError    a time-zone name that is not in the IANA database
    ├── RulePackError               a rule or macro pack that cannot be read or validated
    ├── ConfigurationError          settings that cannot work together
    ├── MissingExtraError           an optional part is used but its extra is not installed
    ├── TemplateError               a macro that cannot be rendered (missing values, sandbox escapes)
    │   └── MissingValuesError      placeholders with no value (``missing`` lists them all)
    ├── StoreError                  the obligation ledger's storage failed
    └── HelpdeskError               a helpdesk adapter call failed
        ├── AuthError               credentials were refused
        ├── NotFound                the ticket, comment or macro does not exist
        ├── RateLimited             the helpdesk asked us to slow down (``retry_after`` seconds)
        ├── WebhookVerificationError  a webhook delivery's signature does not verify
        └── AdapterError            anything else the helpdesk or its client library reported

Foreign exceptions (zenpy's, jira's, psycopg's) are translated once, at the edge, with
``raise ... from exc``; nothing above an adapter or a store sees them.
"""

from __future__ import annotations

__all__ = [
    "AdapterError",
    "AuthError",
    "ConfigurationError",
    "DeescalateError",
    "HelpdeskError",
    "InputError",
    "MissingExtraError",
    "MissingValuesError",
    "NotFound",
    "RateLimited",
    "RulePackError",
    "StoreError",
    "TemplateError",
    "UnknownTimeZoneError",
    "WebhookVerificationError",
]


class DeescalateError(Exception):
    """The root of every error deescalate raises on purpose."""


class InputError(DeescalateError, ValueError):
    """The caller passed input that cannot be processed."""


class UnknownTimeZoneError(InputError):
    """A time-zone name is not in the IANA database."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin'")
        self.name = name


class RulePackError(DeescalateError):
    """A rule pack cannot be loaded; the message names the file, the rule and the key."""

    def __init__(
        self, message: str, *, path: str, rule: str | None = None, key: str | None = None
    ) -> None:
        where = path
        if rule is not None:
            where += f": rule {rule!r}"
        if key is not None:
            where += f": key {key!r}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.rule = rule
        self.key = key


class ConfigurationError(DeescalateError):
    """Settings are missing or contradict each other."""


class MissingExtraError(DeescalateError, ImportError):
    """An optional part is used without its extra installed."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f'{feature} needs the {extra!r} extra: pip install "deescalate[{extra}]"')
        self.feature = feature
        self.extra = extra


class TemplateError(DeescalateError):
    """A macro template cannot be rendered safely."""


class MissingValuesError(TemplateError):
    """A macro needs values nobody supplied; ``missing`` names every one of them."""

    def __init__(self, missing: tuple[str, ...], *, macro: str | None = None) -> None:
        what = f"macro {macro!r}" if macro else "the template"
        super().__init__(f"{what} needs values for: {', '.join(missing)}")
        self.missing = missing
        self.macro = macro


class StoreError(DeescalateError):
    """The obligation store failed."""


class HelpdeskError(DeescalateError):
    """A helpdesk adapter call failed."""


class AuthError(HelpdeskError):
    """The helpdesk refused the credentials."""


class NotFound(HelpdeskError):  # noqa: N818 - reads better at call sites than NotFoundError
    """The requested helpdesk object does not exist."""


class RateLimited(HelpdeskError):  # noqa: N818 - named for what happened, like httpx's errors
    """The helpdesk asked the caller to slow down."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WebhookVerificationError(HelpdeskError):
    """A webhook delivery's signature or timestamp does not verify."""


class AdapterError(HelpdeskError):
    """Any other failure reported by a helpdesk or its client library."""
