"""Process-wide settings of the libraries under torch: OpenBLAS's threads and glibc's malloc.

Threads: torch.set_num_threads sets torch's own (OpenMP) threads, not those of an OpenBLAS that torch calls
for matrix products (Debian's torch links the pthread OpenBLAS, which starts a thread per core and
lets it spin between products). A process that is one of several sharing the cores (a forked pool
child, a cluster worker) or that was told runtime.threads sets both, or their threads fight over
the cores: a 500-row 784×256 product measured 2.5 s wall but 5.0 s CPU with OpenBLAS's two
threads, and the same CPU time as wall time with one.

Malloc: see tune_malloc.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from typing import Iterator, Optional

import torch

_LIBRARIES: Optional[list[ctypes.CDLL]] = None


def _openblas() -> list[ctypes.CDLL]:
    """The OpenBLAS libraries loaded in this process, read from /proc/self/maps (none elsewhere).
    Debian loads several (libblas.so.3, liblapack.so.3, libopenblas*.so), each with its own count."""
    global _LIBRARIES
    if _LIBRARIES is None:
        found: list[ctypes.CDLL] = []
        try:
            with open("/proc/self/maps") as maps:
                paths = sorted({line.split()[-1] for line in maps if "openblas" in line and ".so" in line})
        except OSError:
            paths = []
        for path in paths:
            try:
                library = ctypes.CDLL(path)
                if hasattr(library, "openblas_set_num_threads") and hasattr(library, "openblas_get_num_threads"):
                    found.append(library)
            except OSError:
                continue
        _LIBRARIES = found
    return _LIBRARIES


def blas_threads() -> Optional[int]:
    """OpenBLAS's thread count, or None without OpenBLAS."""
    libraries = _openblas()
    return int(libraries[0].openblas_get_num_threads()) if libraries else None


def set_blas_threads(count: int) -> Optional[int]:
    """Sets OpenBLAS's thread count; returns the previous one (None without OpenBLAS)."""
    previous = blas_threads()
    for library in _openblas():
        library.openblas_set_num_threads(int(count))
    return previous


def set_threads(count: int) -> None:
    """torch's threads and OpenBLAS's, both `count` (> 0)."""
    torch.set_num_threads(count)
    set_blas_threads(count)


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """OpenBLAS on one thread for the duration (a pool of processes, one per core)."""
    previous = set_blas_threads(1)
    try:
        yield
    finally:
        if previous is not None:
            set_blas_threads(previous)


_MALLOC_TUNED = False


def tune_malloc() -> bool:
    """Lets glibc keep freed memory for reuse in this process: the backend's, and each cluster worker's.

    A large tensor above glibc's mmap threshold is mapped and page-faulted anew each time it is
    allocated. Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes
    that threshold at 128 KiB: a small CNN's landscape then ran ~3× slower in a worker (300 points
    20.97 s against 7.12 s). Even glibc's default, adaptive threshold left a CNN's Hessian probes
    (double backpropagation) 15–23% slower than these settings (bench/cluster_probes.py in one
    process: 33.75–35.01 s against 26.90–29.95 s). Raising the trim and mmap thresholds (mallopt
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD) at run time fixes both. True when applied (glibc only)."""
    global _MALLOC_TUNED
    if _MALLOC_TUNED or not sys.platform.startswith("linux"):
        return _MALLOC_TUNED
    try:
        libc = ctypes.CDLL("libc.so.6")
        _MALLOC_TUNED = bool(libc.mallopt(-1, 256 * 2**20)) and bool(libc.mallopt(-3, 32 * 2**20))  # M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        _MALLOC_TUNED = False
    return _MALLOC_TUNED
