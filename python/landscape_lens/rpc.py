"""JSON-RPC 2.0 over stdio with the Language Server Protocol's base framing
(``Content-Length: N\\r\\n\\r\\n`` + N bytes of UTF-8 JSON), as vscode-jsonrpc's stream reader and
writer use it.

A reader thread reads stdin (an unbuffered duplicate of it, see __main__) all the time: requests
and notifications go to a queue the main thread serves one at a time, while ``$/cancelRequest`` sets the cancel flag of the request it
names at once, so a computation that checks ``cancelled()`` between batches stops within a second.
"""

from __future__ import annotations

import json
import math
import queue
import threading
import time
from typing import Any, BinaryIO, Callable, Optional

EOF_MARK = object()


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


def encode(message: dict[str, Any]) -> bytes:
    try:
        text = json.dumps(message, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError):
        text = json.dumps(jsonable(message), separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    body = text.encode("utf-8")
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
    """Both directions of the channel. send() is thread-safe."""

    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self._reader = reader
        self._writer = writer
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
        data = encode({"jsonrpc": "2.0", **message})
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
    still held (the response follows)."""

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

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._held = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
