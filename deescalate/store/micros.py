"""Times as integer microseconds since the epoch (UTC): both databases order and index them alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deescalate.errors import StoreError

__all__ = ["from_micros", "moment", "stamp", "to_micros"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_micros(moment: datetime | None) -> int | None:
    """Microseconds since the epoch; ``StoreError`` for a naive datetime."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise StoreError("the store only accepts aware datetimes")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int | None) -> datetime | None:
    """The aware UTC datetime ``value`` microseconds after the epoch."""
    if value is None:
        return None
    return _EPOCH + timedelta(microseconds=int(value))


def stamp(moment: datetime) -> int:
    """Microseconds since the epoch for a time that must be given."""
    value = to_micros(moment)
    assert value is not None
    return value


def moment(value: int) -> datetime:
    """The datetime of a stored time that is never NULL."""
    return _EPOCH + timedelta(microseconds=int(value))
