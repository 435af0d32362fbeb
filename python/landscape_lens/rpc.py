"""JSON-RPC 2.0 over stdio with the Language Server Protocol's base framing
(``Content-Length: N\\r\\n\\r\\n`` + N bytes of UTF-8 JSON), as vscode-jsonrpc's stream reader and
writer use it.

A reader thread reads stdin (an unbuffered duplicate of it, see __main__) all the time: requests
and notifications go to a queue the main thread serves one at a time, while ``$/cancelRequest`` sets the cancel flag of the request it
names at once, so a computation that checks ``cancelled()`` between batches stops within a second.

Large numeric arrays do not travel inside a message: given a folder (the client's, through
LANDSCAPE_LENS_ARRAY_DIR), an array of more than ``ARRAY_FILE_BYTES`` is written there as raw
little-endian float64 and the message carries ``{"$array": {"file", "dtype", "shape"}}`` in its
place (python/PROTOCOL.md). No message is ever longer than ``MAX_MESSAGE_BYTES``: a longer one
raises MessageTooLarge instead of being sent (the client refuses longer frames too), because a
JSON text of hundreds of megabytes is more than the client can hold as one string.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import queue
import threading
import time
from typing import Any, BinaryIO, Callable, Optional

import numpy as np

EOF_MARK = object()
MAX_MESSAGE_BYTES = 256 * 2**20
"""The longest message body either side accepts (the client's limit is the same)."""
ARRAY_FILE_BYTES = 2**20
"""Arrays of more float64 bytes than this go to a file when the client gave a folder for them."""


class MessageTooLarge(Exception):
    """A message whose JSON text exceeds MAX_MESSAGE_BYTES; nothing was sent."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the message is {size / 2**20:.0f} MB of JSON, over the channel's limit of {MAX_MESSAGE_BYTES / 2**20:.0f} MB")
        self.size = size


class ArrayFiles:
    """Writes the large numeric arrays of a message to files in ``folder`` (numbered 1.f64, 2.f64, …)
    and puts references in their place; the client reads each file and deletes it."""

    def __init__(self, folder: str, threshold_bytes: int = ARRAY_FILE_BYTES) -> None:
        self.folder = folder
        self.threshold = max(1, threshold_bytes // 8)
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def externalize(self, value: Any) -> Any:
        """``value`` with every array of more than the threshold's elements replaced by a reference
        to its file; smaller values are returned as they are (not copied)."""
        if isinstance(value, dict):
            return {k: self.externalize(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            if _element_estimate(value) > self.threshold:
                array = _numeric_array(value)
                if array is not None:
                    return self._write(array)
            return [self.externalize(v) for v in value]
        if hasattr(value, "detach") and hasattr(value, "numel"):  # a torch.Tensor
            real = value.is_floating_point() or str(value.dtype).startswith(("torch.int", "torch.uint"))
            if real and value.numel() > self.threshold:  # through float64: numpy has no bfloat16
                return self._write(value.detach().cpu().double().numpy())
            return value
        if isinstance(value, np.ndarray) and value.dtype.kind in "fiu" and value.size > self.threshold:
            return self._write(value)
        return value

    def _write(self, array: np.ndarray) -> dict[str, Any]:
        with self._lock:
            name = f"{next(self._numbers)}.f64"
        # Written and closed before the message naming it is sent: the client never sees a partial file.
        np.ascontiguousarray(array, dtype="<f8").tofile(os.path.join(self.folder, name))
        return {"$array": {"file": name, "dtype": "float64", "shape": list(array.shape)}}


def _element_estimate(value: Any) -> int:
    """The element count of a rectangular nested list, from its first entries (cheap; checked later)."""
    count = 1
    while isinstance(value, (list, tuple)):
        count *= len(value)
        if not value:
            return 0
        value = value[0]
    return count


def _numeric_array(value: Any) -> Optional[np.ndarray]:
    """A rectangular list of numbers (None or NaN where a value is missing) as float64; None for
    anything else (ragged lists, strings, booleans, dicts), which stays JSON."""
    try:
        array = np.array(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if array.dtype.kind in "fiu":
        return array.astype(np.float64, copy=False)
    if array.dtype.kind == "O" and array.ndim >= 1:  # None among the numbers: missing values become NaN (JSON's null)
        if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in array.flat):
            return np.array(value, dtype=np.float64)
    return None


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN and ±Infinity become null (JSON has neither), tensors and numpy
    arrays become lists, numpy scalars numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # torch.Tensor, numpy arrays and scalars
        return jsonable(value.tolist())
    return value


def encode(message: dict[str, Any], arrays: Optional[ArrayFiles] = None) -> bytes:
    """The framed message; with ``arrays``, its large arrays go to files. Raises MessageTooLarge
    when the body would exceed MAX_MESSAGE_BYTES."""
    if arrays is not None:
        message = arrays.externalize(message)
    try:
        text = json.dumps(message, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError):
        text = json.dumps(jsonable(message), separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    if len(text) > MAX_MESSAGE_BYTES:  # characters ≤ bytes: a cheap first test
        raise MessageTooLarge(len(text.encode("utf-8")))
    body = text.encode("utf-8")
    if len(body) > MAX_MESSAGE_BYTES:
        raise MessageTooLarge(len(body))
    return b"Content-Length: " + str(len(body)).encode("ascii") + b"\r\n\r\n" + body


def read_message(stream: BinaryIO) -> Optional[dict[str, Any]]:
    """The next framed message, or None at end of input. Headers other than Content-Length are skipped."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.rstrip(b"\r\n")
        if not line:
            if length is None:
                continue  # a stray blank line between messages
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = b""
    while len(body) < length:
        chunk = stream.read(length - len(body))
        if not chunk:
            return None
        body += chunk
    return json.loads(body.decode("utf-8"))


class Connection:
    """Both directions of the channel. send() is thread-safe. ``array_dir``: the folder for large
    arrays (see ArrayFiles); without it every array is sent inline."""

    def __init__(self, reader: BinaryIO, writer: BinaryIO, array_dir: Optional[str] = None) -> None:
        self._reader = reader
        self._writer = writer
        self._arrays = ArrayFiles(array_dir) if array_dir else None
        self._write_lock = threading.Lock()
        self.inbox: "queue.Queue[Any]" = queue.Queue()
        self._cancelled_ids: set[Any] = set()
        self._cancel_lock = threading.Lock()
        self.closed = threading.Event()
        self._thread = threading.Thread(target=self._read_loop, name="jsonrpc-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _read_loop(self) -> None:
        try:
            while True:
                message = read_message(self._reader)
                if message is None:
                    break
                if message.get("method") == "$/cancelRequest":
                    request_id = (message.get("params") or {}).get("id")
                    with self._cancel_lock:
                        self._cancelled_ids.add(request_id)
                    continue
                self.inbox.put(message)
        except Exception as exc:  # a malformed frame: report on stderr and stop reading
            import sys

            print(f"landscape_lens: cannot read the protocol stream: {exc}", file=sys.stderr)
        finally:
            self.closed.set()
            self.inbox.put(EOF_MARK)

    def is_cancelled(self, request_id: Any) -> bool:
        """True once the client cancelled this request, or closed the channel."""
        if self.closed.is_set():
            return True
        with self._cancel_lock:
            return request_id in self._cancelled_ids

    def forget(self, request_id: Any) -> None:
        with self._cancel_lock:
            self._cancelled_ids.discard(request_id)

    def send(self, message: dict[str, Any]) -> None:
        """Raises MessageTooLarge (nothing sent) for a message over the limit."""
        data = encode({"jsonrpc": "2.0", **message}, self._arrays)
        with self._write_lock:
            self._writer.write(data)
            self._writer.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def respond(self, request_id: Any, result: Any) -> None:
        self.send({"id": request_id, "result": result})

    def respond_error(self, request_id: Any, error: dict[str, Any]) -> None:
        self.send({"id": request_id, "error": error})


class Progress:
    """progress(fraction, message, partial=None) for one request, throttled to one notification
    per ``interval`` seconds. A throttled report with partial results is held and sent when the
    interval has passed (by a timer, or with the next report, whichever comes first), so every
    partial result goes out promptly and the newest one is never lost. close() drops what is
    still held (the response follows, holding everything); flush() sends it first (an error
    response follows, which holds no results: the held partial is the newest finished work)."""

    def __init__(self, send: Callable[[dict[str, Any]], None], interval: float = 0.25) -> None:
        self._send = send
        self._interval = interval
        self._last = 0.0
        self._held: Optional[dict[str, Any]] = None
        self._timer: Optional[threading.Timer] = None
        self._lock = threading.Lock()
        self._closed = False

    def __call__(self, fraction: float, message: str, partial: Optional[dict[str, Any]] = None) -> None:
        params: dict[str, Any] = {"fraction": max(0.0, min(1.0, float(fraction))), "message": message}
        with self._lock:
            if self._closed:
                return
            if partial is not None:
                params["partial"] = partial
            elif self._held is not None:
                params["partial"] = self._held["partial"]
            wait = self._interval - (time.monotonic() - self._last)
            if wait > 0:
                if "partial" in params:
                    self._held = params
                    if self._timer is None:
                        self._timer = threading.Timer(wait, self._flush)
                        self._timer.daemon = True
                        self._timer.start()
                return
            self._emit(params)

    def _emit(self, params: dict[str, Any]) -> None:
        self._last = time.monotonic()
        self._held = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._send(params)

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
            if self._held is not None and not self._closed:
                self._emit(self._held)

    def flush(self) -> None:
        """Sends what is held now, whatever the interval, then closes."""
        with self._lock:
            held = self._held
            self._held = None
            if held is not None and not self._closed:
                try:
                    self._emit(held)
                except MessageTooLarge:
                    pass  # what came before it is kept; the error response follows
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._held = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
