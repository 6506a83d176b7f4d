"""Promises an agent makes in a reply, with due times on a business calendar."""

from deescalate.promises.extract import find_promises
from deescalate.promises.model import PROMISE_ACTIONS, PROMISE_OWNERS, Promise
from deescalate.promises.timexpr import TimeExpression, find_time_expressions

__all__ = [
    "PROMISE_ACTIONS",
    "PROMISE_OWNERS",
    "Promise",
    "TimeExpression",
    "find_promises",
    "find_time_expressions",
]
