"""Promises an agent makes in a reply, with due times on a business calendar."""

from deescalate.promises.model import PROMISE_ACTIONS, Promise

__all__ = ["PROMISE_ACTIONS", "Promise"]
