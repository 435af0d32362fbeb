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
    sys.exit(main())
