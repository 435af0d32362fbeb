"""The threads of the numerical libraries under torch.

torch.set_num_threads sets torch's own (OpenMP) threads, not those of an OpenBLAS that torch calls
for matrix products (Debian's torch links the pthread OpenBLAS, which starts a thread per core and
lets it spin between products). A process that is one of several sharing the cores (a forked pool
child, a cluster worker) or that was told runtime.threads sets both, or their threads fight over
the cores: a 500-row 784×256 product measured 2.5 s wall but 5.0 s CPU with OpenBLAS's two
threads, and the same CPU time as wall time with one.
"""

from __future__ import annotations

import contextlib
import ctypes
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
