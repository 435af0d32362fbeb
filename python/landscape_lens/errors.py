"""Errors the backend reports as JSON-RPC error responses, and their classification.

- code 1 ``user-code``: an exception in the user's model, data or loss code; the message names
  the innermost frame inside the user's files, ``model.py:12: ValueError: bad shape (in make_model)``.
- code 2 ``config``: a problem with the config the backend found; ``data.field`` is a JSON pointer.
- code 3 ``environment``: CUDA out of memory, a device that is not there, a torch too old.
"""

from __future__ import annotations

import os
import traceback
from typing import Any, Iterable, Optional

USER_CODE = 1
CONFIG = 2
ENVIRONMENT = 3
INTERNAL = -32603
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602


class BackendError(Exception):
    """An error with a JSON-RPC code, a message for the user and structured data."""

    code = INTERNAL
    kind = "internal"

    def __init__(self, message: str, data: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = {"kind": self.kind, **(data or {})}

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data}


class UserCodeError(BackendError):
    code = USER_CODE
    kind = "user-code"


class ConfigError(BackendError):
    code = CONFIG
    kind = "config"

    def __init__(self, message: str, field: str, **extra: Any) -> None:
        super().__init__(message, {"field": field, **extra})


class EnvironmentProblem(BackendError):
    code = ENVIRONMENT
    kind = "environment"


class ProtocolError(BackendError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.data = {"kind": "protocol"}


class UserFiles:
    """The files whose frames count as the user's: every file imported from the config's folder,
    and anything else under that folder that is not this package."""

    def __init__(self, base_dir: str = ".") -> None:
        self.base_dir = os.path.realpath(base_dir)
        self.files: set[str] = set()
        self.package_dir = os.path.realpath(os.path.dirname(__file__))

    def add(self, path: str) -> None:
        self.files.add(os.path.realpath(path))

    def is_user(self, filename: str) -> bool:
        real = os.path.realpath(filename)
        if real in self.files:
            return True
        if real.startswith(self.package_dir + os.sep):
            return False
        return real.startswith(self.base_dir + os.sep) and real.endswith(".py")

    def display(self, filename: str) -> str:
        real = os.path.realpath(filename)
        if real.startswith(self.base_dir + os.sep):
            return os.path.relpath(real, self.base_dir).replace(os.sep, "/")
        return real


def _out_of_memory(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name == "OutOfMemoryError" or (isinstance(exc, RuntimeError) and "out of memory" in str(exc))


def _user_frame(exc: BaseException, user_files: UserFiles) -> Optional[traceback.FrameSummary]:
    frames: Iterable[traceback.FrameSummary] = traceback.extract_tb(exc.__traceback__)
    found = None
    for frame in frames:
        if user_files.is_user(frame.filename):
            found = frame
    return found


def classify(exc: BaseException, user_files: UserFiles, context: str = "") -> BackendError:
    """The BackendError an exception becomes: itself when already one; environment for out of
    memory; user-code when a frame is in the user's files; else internal, with the traceback."""
    if isinstance(exc, BackendError):
        return exc
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    summary = f"{type(exc).__name__}: {exc}".strip()
    if _out_of_memory(exc):
        return EnvironmentProblem(f"out of memory{' ' + context if context else ''}: {exc}. Lower data.batchSize or analyses.landscape.samples, or use runtime.device \"cpu\"",
                                  {"traceback": text})
    frame = _user_frame(exc, user_files)
    if frame is not None:
        shown = user_files.display(frame.filename)
        return UserCodeError(f"{shown}:{frame.lineno}: {summary} (in {frame.name})",
                             {"file": shown, "line": frame.lineno, "function": frame.name, "traceback": text})
    return BackendError(f"{summary}{' (' + context + ')' if context else ''}", {"traceback": text})
