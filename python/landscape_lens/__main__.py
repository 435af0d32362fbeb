"""``python -m landscape_lens``: the backend on stdio. stdout carries only protocol messages, so
the real stdout is kept for the channel and file descriptor 1 and sys.stdout go to stderr
before any user code is imported."""

import os
import sys


def main() -> int:
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from .rpc import Connection
    from .server import serve

    return serve(Connection(sys.stdin.buffer, channel))


if __name__ == "__main__":
    try:
        code = main()
    except BaseException:  # a failure of the backend itself: its traceback goes to the log
        import traceback

        traceback.print_exc()
        code = 1
    # The reader thread may still block in stdin's read; a normal interpreter shutdown would
    # abort on that thread's lock, so flush and leave directly (the channel is unbuffered).
    sys.stderr.flush()
    os._exit(code)
