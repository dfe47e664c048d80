"""Dyad's exceptions, one hierarchy, each mapped to an exit code in one place.

    DyadError                  exit 3 unless a subclass says otherwise
    ├── InputError             exit 2: unreadable, unknown or malformed input (names file, line)
    │   └── UsageError         exit 2: a bad option or parameter
    ├── NotConformingError     exit 1: data read fine but violates the shapes
    ├── StoreError             exit 2: the store cannot be opened or written (locked, missing)
    └── RemoteError            exit 2: a remote SPARQL endpoint failed or refused
"""

from __future__ import annotations


class DyadError(Exception):
    """Base of every error Dyad raises on purpose."""

    exit_code = 3

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputError(DyadError):
    """The input cannot be read or understood; `where` names the file (and line)."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        # One line, whatever a parser put in its own message (YAML's carry a caret diagram).
        super().__init__(" ".join(message.split()), where=where)


class UsageError(InputError):
    """A command-line option or query parameter is wrong."""


class NotConformingError(DyadError):
    """The data parsed but does not conform to the shapes."""

    exit_code = 1


class StoreError(DyadError):
    """The store cannot be opened or written."""

    exit_code = 2


class RemoteError(DyadError):
    """A remote SPARQL endpoint failed, refused, or returned a truncated answer."""

    exit_code = 2
    cut_off = False  # the connection broke while the request body was still being sent
