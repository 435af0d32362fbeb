"""Grid points evaluated by this process and forked copies of it, one per core.

A torch that runs one thread (Debian's python3-torch gains nothing from a second) uses one core
per process, so on CPU the grid is shared with ``cores − 1`` forked children that inherit the
model, the data and the precomputed first layer copy-on-write. Points are handed out in small
chunks through a shared counter, in the given order (coarse levels first); each process sends
(index, loss, accuracy) back through a pipe. Linux only (fork); elsewhere, or when torch already
uses several threads, or on a GPU, or when other programs keep the cores busy (the load average),
this process evaluates every point itself.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import sys
import time
import traceback
from typing import Callable, Optional

import torch

from .plane import PlaneEvaluator
from .tuning import single_blas_thread

Point = tuple[int, float, float]
OnValue = Callable[[int, float, Optional[float]], None]
CHUNK = 2


def worker_count(evaluator: PlaneEvaluator) -> int:
    """Processes to use: the cores this process may run on, when torch runs one thread on the CPU.
    LANDSCAPE_LENS_WORKERS overrides (1: no children)."""
    override = os.environ.get("LANDSCAPE_LENS_WORKERS")
    if override and override.isdigit():
        return max(1, int(override))
    if evaluator.problem.device.type != "cpu" or not hasattr(os, "fork") or sys.platform != "linux":
        return 1
    if torch.get_num_threads() != 1:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    # Cores other programs keep busy do not help: the one-minute load average, less this process.
    try:
        idle = cores - os.getloadavg()[0] + 1
    except OSError:
        idle = cores
    return max(1, min(cores, 8, int(idle + 0.5)))


def evaluate_points(evaluator: PlaneEvaluator, points: list[Point], on_value: OnValue, cancelled: Callable[[], bool], workers: int = 1) -> None:
    """Calls on_value for each point as it finishes; returns when all are done or soon after cancelled()."""
    if workers <= 1 or len(points) < 2 * CHUNK * workers:
        for index, alpha, beta in points:
            if cancelled():
                return
            loss, accuracy = evaluator.evaluate(alpha, beta)
            on_value(index, loss, accuracy)
        return
    with single_blas_thread():  # one process per core: OpenBLAS's own threads would oversubscribe them
        _evaluate_forked(evaluator, points, on_value, cancelled, workers)


def _evaluate_forked(evaluator: PlaneEvaluator, points: list[Point], on_value: OnValue, cancelled: Callable[[], bool], workers: int) -> None:
    context = multiprocessing.get_context("fork")
    counter = context.RawValue("i", 0)
    lock = context.Lock()
    stop = context.RawValue("i", 0)
    chunks = [points[i : i + CHUNK] for i in range(0, len(points), CHUNK)]

    def next_chunk() -> Optional[list[Point]]:
        if stop.value:
            return None
        with lock:
            k = counter.value
            if k >= len(chunks):
                return None
            counter.value = k + 1
        return chunks[k]

    children: list[tuple[int, int]] = []  # (pid, read fd)
    sys.stderr.flush()
    for _ in range(workers - 1):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: evaluate chunks, write "index loss accuracy" lines, exit
            code = 0
            try:
                # Ctrl+C in a terminal reaches the child too: the parent stops it (``stop``) after the cancel.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(read_fd)
                with os.fdopen(write_fd, "w", buffering=1) as out:
                    while (chunk := next_chunk()) is not None:
                        for index, alpha, beta in chunk:
                            loss, accuracy = evaluator.evaluate(alpha, beta)
                            out.write(f"{index} {loss!r} {accuracy!r}\n")
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        children.append((pid, read_fd))

    buffers = {fd: b"" for _, fd in children}
    open_fds = {fd for _, fd in children}

    def drain(timeout: float) -> None:
        while open_fds:
            ready, _, _ = select.select(list(open_fds), [], [], timeout)
            if not ready:
                return
            for fd in ready:
                data = os.read(fd, 65536)
                if not data:
                    open_fds.discard(fd)
                    continue
                buffers[fd] += data
                *lines, buffers[fd] = buffers[fd].split(b"\n")
                for line in lines:
                    index, loss, accuracy = line.decode().split(" ")
                    on_value(int(index), float(loss), None if accuracy == "None" else float(accuracy))
            timeout = 0.0

    try:
        while True:
            if cancelled():
                stop.value = 1
                break
            chunk = next_chunk()
            if chunk is None:
                break
            for index, alpha, beta in chunk:
                loss, accuracy = evaluator.evaluate(alpha, beta)
                on_value(index, loss, accuracy)
            drain(0.0)
        deadline = time.monotonic() + (0.8 if stop.value else float("inf"))
        while open_fds and time.monotonic() < deadline:
            if cancelled() and not stop.value:
                stop.value = 1
                deadline = time.monotonic() + 0.8
            drain(0.1)
    finally:
        stop.value = 1
        for pid, fd in children:
            if fd in open_fds:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.close(fd)
        failed = False
        for pid, _ in children:
            _, status = os.waitpid(pid, 0)
            failed = failed or (os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0)
    if failed and not cancelled():
        raise RuntimeError("a landscape worker process failed (its traceback is on stderr)")
