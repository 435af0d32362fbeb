"""``python -m landscape_lens``: the backend on stdio. stdout carries only protocol messages, so
the real stdout is kept for the channel and file descriptor 1 and sys.stdout go to stderr
before any user code is imported.

The reader thread (a daemon) reads an unbuffered duplicate of stdin, not ``sys.stdin.buffer``:
it is still blocked in its read when the main thread returns, and a buffered reader's lock held
by a daemon thread makes the interpreter abort at shutdown ("Fatal Python error:
_enter_buffered_busy") when it closes sys.stdin. A raw file has no such lock, so the process
ends normally with the exit code of serve().

SIGINT is ignored, here and (inherited) in the processes this one forks or starts: Ctrl+C in a
terminal reaches every process of the foreground group, the client included, and the client
answers it by cancelling the request, which this process obeys, answering with what finished.
Dying on the signal instead would lose the newest finished work. The client's end of input
(stdin closed, the client gone) still ends the process, and SIGTERM and SIGKILL still work.

LANDSCAPE_LENS_ARRAY_DIR, when set, is the client's folder for large arrays (see rpc.py)."""

import os
import signal
import sys


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from .rpc import Connection
    from .server import serve
    from .tuning import tune_malloc

    tune_malloc()

    return serve(Connection(requests, channel, os.environ.get("LANDSCAPE_LENS_ARRAY_DIR") or None))


if __name__ == "__main__":
    try:
        code = main()
    except BaseException:  # a failure of the backend itself: its traceback goes to the log
        import traceback

        traceback.print_exc()
        code = 1
    sys.exit(code)
