"""numpy (OpenBLAS) GEMM throughput on the shapes of bench/gemm.bench.ts, GFLOP/s, median of repeats,
per second of process CPU time (as the TypeScript benchmark).
Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/gemm_numpy.py
"""
import time

import numpy as np

SHAPES = [('forward 32x784.784x100', 32, 100, 784, False), ('weight grad 100x32T.32x784', 100, 784, 32, True),
          ('forward 1000x784.784x100', 1000, 100, 784, False), ('square 512^3', 512, 512, 512, False)]
rng = np.random.default_rng(1)
for label, m, n, k, transpose in SHAPES:
    a = rng.standard_normal((k, m) if transpose else (m, k))
    b = rng.standard_normal((k, n))
    op = a.T if transpose else a
    repeats = max(3, int(2e8 / (2 * m * n * k)))
    times = []
    for _ in range(7):
        start = time.process_time()
        for _ in range(repeats):
            op @ b
        times.append((time.process_time() - start) / repeats)
    print(f'{label:30s} numpy {2 * m * n * k / np.median(times) / 1e9:6.2f} GFLOP/s')
a = rng.standard_normal((32, 784))
w = rng.standard_normal((100, 784))
for m in (32, 1000):
    x = rng.standard_normal((m, 784))
    times = []
    for _ in range(7):
        start = time.process_time()
        for _ in range(50):
            x @ w.T
        times.append((time.process_time() - start) / 50)
    print(f'{"x.W^T %dx784.(100x784)^T" % m:30s} numpy {2 * m * 100 * 784 / np.median(times) / 1e9:6.2f} GFLOP/s')
