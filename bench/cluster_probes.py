"""A CNN's Hutchinson trace and SLQ density probes on a Dask LocalCluster of one worker process against two.

The probes are independent (each a Hessian-vector product, or a Lanczos run of --steps products),
so they are the Hessian's part that a cluster spreads. Reports the wall time of this process
alone (the sequential loop a user would otherwise run; after an untimed run) and of each cluster, the ratios, and that
the values are the local run's. One-worker and two-worker clusters alternate for --rounds rounds
(a shared machine's speed drifts from minute to minute) and the median ratio is reported; each
cluster does an untimed run first (the upload and the workers' imports). One torch thread per
process.

    /usr/bin/python3 bench/cluster_probes.py [--rows 500] [--trace-probes 24] [--density-probes 8] [--steps 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cnn_project import load_average, write_project  # noqa: E402

from landscape_lens.cluster import Cluster, ProbeRunner  # noqa: E402
from landscape_lens.hvp import hessian_operator  # noqa: E402
from landscape_lens.loading import load_problem  # noqa: E402
from landscape_lens.spectrum import hutchinson_trace, spectral_density  # noqa: E402
from landscape_lens.tuning import tune_malloc  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--trace-probes", type=int, default=24)
    parser.add_argument("--density-probes", type=int, default=8)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["BENCH_ROWS"] = str(args.rows)
    torch.set_num_threads(1)
    tune_malloc()  # as the backend's process does at its start
    folder = tempfile.mkdtemp(prefix="landscape-probes-bench-")
    try:
        write_project(folder, batchnorm=False)
        config = {
            "seed": 1,
            "model": {"pytorch": "model.py:make_model", "loss": "softmax-cross-entropy"},
            "data": {"kind": "pytorch", "factory": "data.py:make_data", "testFraction": 0, "batchSize": 250},
            "runtime": {"device": "cpu", "threads": 1},
        }
        problem, loader = load_problem(config, folder)
        print(f"CNN: {problem.dimension} parameters, {args.rows} rows, float32; {args.trace_probes} Hutchinson probes, "
              f"{args.density_probes} SLQ probes of {args.steps} steps; load average {load_average()} on {os.cpu_count()} cores")

        def probes(runner=None) -> tuple[float, float, list[float]]:
            started = time.perf_counter()
            trace = hutchinson_trace(hessian_operator(problem), probes=args.trace_probes, seed=3, runner=runner)
            density = spectral_density(hessian_operator(problem), steps=args.steps, probes=args.density_probes, seed=3, grid_size=100, runner=runner)
            return time.perf_counter() - started, trace["trace"], density["values"]

        probes()  # torch's first-call costs, as the clusters' untimed run pays them
        local_seconds, local_trace, local_density = probes()
        print(f"in this process: {local_seconds:.2f} s (trace {local_trace:.4g})")
        times: dict[int, list[float]] = {1: [], 2: []}
        ratios = []
        for round_number in range(1, args.rounds + 1):
            line = []
            for workers in (1, 2):
                cluster = Cluster({"local": {"workers": workers}}, log=lambda _m: None)
                try:
                    cluster.client.wait_for_workers(workers, timeout=120)
                    runner = ProbeRunner(cluster, config, loader)
                    probes(runner)  # the upload and the workers' imports
                    seconds, trace, density = probes(runner)
                finally:
                    cluster.close()
                times[workers].append(seconds)
                worst = max(abs(a - b) for a, b in zip(local_density, density))
                line.append(f"{workers} worker{'s' if workers > 1 else ''} {seconds:.2f} s (trace differs by {abs(trace - local_trace):.1e}, density by {worst:.1e})")
            ratios.append(times[1][-1] / times[2][-1])
            print(f"round {round_number}: " + "; ".join(line) + f"; ratio {ratios[-1]:.2f}×")
        if not ratios:
            return 0
        print(f"two workers against one: {statistics.median(ratios):.2f}× (median of {len(ratios)} rounds: {' '.join(f'{r:.2f}' for r in ratios)}); "
              f"two workers against this process: {local_seconds / min(times[2]):.2f}× (best of the rounds)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
