"""Typed errors of the library; the CLI turns each into a message for people in one place."""

from __future__ import annotations


class MonitorError(Exception):
    """Base class: bad input a person can fix. The message says what, where, and what to do."""


class ConfigError(MonitorError):
    """feeds.toml (or another config file) is unreadable or invalid."""


class LexiconError(MonitorError):
    """A lexicon file is unreadable or invalid."""


class StoreError(MonitorError):
    """The database cannot be opened or is not a monitor database."""


class DiskFullError(StoreError):
    """The database could not be written: the disk (or the database's size limit) is full. A run stops at
    once on it, with its own exit code; what was committed stays."""


class NotFoundError(MonitorError):
    """A queue item, outlet or other record named by the user does not exist."""
