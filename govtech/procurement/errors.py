"""Procurement's own domain errors (subclasses of the core ones, so routes and the API already handle them)."""
from __future__ import annotations

from govtech.core.errors import Conflict, InvalidTransition


class TenderClosed(InvalidTransition):
    """The tender no longer accepts this (deadline passed, or a later state)."""


class AlreadyJoined(Conflict):
    """The municipality already takes part in this tender."""


class NoValidBid(InvalidTransition):
    """Award asked for, but the tender has no valid bid."""


class ImportFailed(Exception):
    """A CSV import found bad rows; `errors` lists (line, column, message); nothing was saved."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors
