"""A CNN's 2-D loss landscape on a Dask LocalCluster of one worker process against two.

Reports the wall time of each (the grid only: each cluster is started, and does one untimed run
that uploads the model, data and plane and lets the workers measure their evaluator, before the
clock), the CPU seconds of this process (client and scheduler) and of each worker, the ratio, and
the overhead per grid row: the one-worker cluster's time minus this process's own time for the
same grid on a 2-row data set (where a point costs almost nothing), divided by the number of row
tasks. A shared machine's speed drifts from minute to minute, so one-worker and two-worker
clusters alternate for --rounds rounds and the median of the rounds' ratios is reported. Every
run is one torch thread (and one OpenBLAS thread) per process. The load average is printed
before and after, because the ratio means something only on otherwise idle cores.

    /usr/bin/python3 bench/cluster_landscape.py [--resolution 31] [--rows 2000] [--repeat 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

import psutil
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cnn_project import load_average, write_project  # noqa: E402

from landscape_lens.cluster import Cluster, row_tasks  # noqa: E402
from landscape_lens.grid import linspace, refinement_levels  # noqa: E402
from landscape_lens.landscape import run_landscape  # noqa: E402
from landscape_lens.loading import load_problem  # noqa: E402
from landscape_lens.tuning import tune_malloc  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=31)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per cluster; the fastest counts")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of a one-worker cluster then a two-worker one; the median ratio counts")
    args = parser.parse_args()
    os.environ["BENCH_ROWS"] = str(args.rows)
    torch.set_num_threads(1)
    tune_malloc()  # as the backend's process does at its start
    folder = tempfile.mkdtemp(prefix="landscape-cluster-bench-")
    try:
        write_project(folder, batchnorm=True)
        config = {
            "seed": 1,
            "model": {"pytorch": "model.py:make_model", "loss": "softmax-cross-entropy"},
            "data": {"kind": "pytorch", "factory": "data.py:make_data", "testFraction": 0, "batchSize": 500},
            "runtime": {"device": "cpu", "threads": 1},
            "analyses": {"landscape": {"directions": "random", "dimensions": 2, "resolution": args.resolution}},
        }
        problem, loader = load_problem(config, folder)
        points = args.resolution ** 2
        tasks = len(row_tasks(refinement_levels(args.resolution, args.resolution), args.resolution, args.resolution,
                              linspace(-1, 1, args.resolution), linspace(-1, 1, args.resolution), 1))
        print(f"CNN: {problem.dimension} parameters, {args.rows} rows of 1×28×28, float32; grid {args.resolution}×{args.resolution} = {points} points in {tasks} row tasks")
        print(f"load average before: {load_average()} on {os.cpu_count()} cores")

        def timed(run) -> tuple[float, list]:
            best, loss = float("inf"), []
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = run()
                best = min(best, time.perf_counter() - started)
                loss = result["landscape"]["loss"]
            return best, loss

        quiet = lambda *a, **k: None  # noqa: E731

        def cpu_seconds(processes) -> list[float]:
            return [sum(p.cpu_times()[:2]) for p in processes]

        def on_cluster(problem, workers: int) -> tuple[float, list, list[float]]:
            """(best time, losses, CPU seconds of this process and of each worker during the best-timed runs)."""
            cluster = Cluster({"local": {"workers": workers}}, log=lambda _m: None)
            try:
                cluster.client.wait_for_workers(workers, timeout=120)
                run = lambda: run_landscape(problem, config, loader, quiet, lambda: False, cluster=cluster)  # noqa: E731
                run()  # the upload, the workers' imports and their evaluator's measurements
                processes = [psutil.Process()] + [psutil.Process(pid) for pid in cluster.client.run(os.getpid).values()]
                before = cpu_seconds(processes)
                seconds, loss = timed(run)
                used = [(a - b) / args.repeat for a, b in zip(cpu_seconds(processes), before)]
                return seconds, loss, used
            finally:
                cluster.close()

        local_time, local_loss = timed(lambda: run_landscape(problem, config, loader, quiet, lambda: False, workers=1))
        print(f"in this process: {local_time:.2f} s ({local_time / points * 1000:.1f} ms per point)")
        ratios, times = [], {1: [], 2: []}
        for round_number in range(1, args.rounds + 1):
            line = []
            for workers in (1, 2):
                seconds, loss, used = on_cluster(problem, workers)
                times[workers].append(seconds)
                worst = max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(local_loss, loss))
                line.append(f"{workers} worker{'s' if workers > 1 else ''} {seconds:.2f} s ({points / seconds:.1f} points/s, CPU s: this process {used[0]:.2f}, "
                            f"worker(s) {' '.join(f'{u:.2f}' for u in used[1:])}; largest relative difference from this process {worst:.1e})")
            ratios.append(times[1][-1] / times[2][-1])
            print(f"round {round_number}: " + "; ".join(line) + f"; ratio {ratios[-1]:.2f}×")
        print(f"two workers against one: {statistics.median(ratios):.2f}× (median of {len(ratios)} rounds; each round's ratio: {' '.join(f'{r:.2f}' for r in ratios)}; "
              f"best times {min(times[1]):.2f} s against {min(times[2]):.2f} s: {min(times[1]) / min(times[2]):.2f}×)")
        # The overhead alone: the same grid on a 2-row data set, where evaluating a point costs ~nothing.
        os.environ["BENCH_ROWS"] = "2"
        tiny, loader = load_problem(config, folder)
        tiny_local, _ = timed(lambda: run_landscape(tiny, config, loader, quiet, lambda: False, workers=1))
        tiny_cluster = on_cluster(tiny, 1)[0]
        print(f"overhead per grid row (2 rows of data, one worker against this process): {(tiny_cluster - tiny_local) / tasks * 1000:.1f} ms "
              f"({tiny_cluster:.2f} s against {tiny_local:.2f} s)")
        print(f"load average after: {load_average()}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
