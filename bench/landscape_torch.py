"""Times a 2-D loss landscape of a torch model two ways in the same run and prints the ratio:

- reference: loss-landscape's loop (Li et al., tomgoldstein/loss-landscape, plot_surface.py's
  crunch with net_plotter.set_weights and evaluation.eval_loss): for every grid point, write
  w + α·d₁ + β·d₂ into the parameters and evaluate the whole set in batches under no_grad
  (batches pre-sliced tensors here, no DataLoader, so the reference is, if anything, faster than theirs);
- ours: python/landscape_lens's run_landscape (precomputed first layer, BatchNorm folding and the
  channels-last layout, each when it measures faster; progressive levels), in one process and
  with one forked process per core (the backend itself forks only onto cores the load average
  leaves idle), same directions, grid, data and batches.

Models: an MLP 784-256-128-10 and a small CNN (two 3×3 convolutions with 8 and 16 channels,
BatchNorm, max-pooling, a linear classifier), on 1000 Fashion-MNIST training images from
/usr/share/datasets/fashion-mnist/ (random images of the same shape when absent), float32.

Wall time is what a user waits; CPU time (this process's) is steadier on a shared machine and
measures the single-process gain. The forked run's gain shows only in wall time on idle cores.

Run: /usr/bin/python3 bench/landscape_torch.py [--resolution 21] [--samples 1000] [--batch 500]
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from landscape_lens.landscape import run_landscape  # noqa: E402
from landscape_lens.problem import Problem  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist"


def fashion_mnist(rows: int) -> tuple[torch.Tensor, torch.Tensor, str]:
    images, labels = os.path.join(FASHION, "train-images-idx3-ubyte.gz"), os.path.join(FASHION, "train-labels-idx1-ubyte.gz")
    if os.path.exists(images) and os.path.exists(labels):
        with gzip.open(images) as f:
            x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)[:rows]
        with gzip.open(labels) as f:
            y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:rows]
        return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64)), "Fashion-MNIST"
    generator = torch.Generator().manual_seed(0)
    return torch.rand(rows, 1, 28, 28, generator=generator), torch.randint(0, 10, (rows,), generator=generator), "random images"


def mlp() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def cnn() -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 7 * 7, 10),
    )


def reference_loop(model: torch.nn.Module, weights: list[torch.Tensor], dx: list[torch.Tensor], dy: list[torch.Tensor],
                   batches: list[tuple[torch.Tensor, torch.Tensor]], alphas: list[float], betas: list[float]) -> list[float]:
    """loss-landscape's crunch: set_weights then eval_loss at each point, row by row."""
    criterion = torch.nn.CrossEntropyLoss()
    rows = sum(x.shape[0] for x, _ in batches)
    losses = []
    model.eval()
    for beta in betas:
        for alpha in alphas:
            for p, w, d0, d1 in zip(model.parameters(), weights, dx, dy):
                p.data = w + d0 * alpha + d1 * beta
            total, correct = 0.0, 0
            with torch.no_grad():
                for inputs, targets in batches:
                    outputs = model(inputs)
                    total += criterion(outputs, targets).item() * inputs.shape[0]
                    correct += outputs.max(1)[1].eq(targets).sum().item()
            losses.append(total / rows)
    return losses


def bench(name: str, make: callable, x: torch.Tensor, y: torch.Tensor, resolution: int, batch: int) -> None:
    torch.manual_seed(0)
    model = make()
    if any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()):
        with torch.no_grad():  # running statistics of the data, so eval mode is meaningful
            model.train()
            model(x)
    problem = Problem.from_module(model, x, y, "softmax-cross-entropy", batch_size=batch)
    config = {"seed": 0, "analyses": {"landscape": {"resolution": resolution}}}
    quiet = lambda *_: None  # noqa: E731
    never = lambda: False  # noqa: E731

    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    started = time.perf_counter()
    ours = run_landscape(problem, config, None, quiet, never, None, workers=workers)["landscape"]
    ours_time = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    single = run_landscape(problem, config, None, quiet, never, None, workers=1)["landscape"]
    single_time, single_cpu = time.perf_counter() - started, time.process_time() - cpu

    # The same directions as ours drew, per parameter tensor, for the reference loop.
    from landscape_lens.directions import random_plane

    center = problem.flat()
    d1, d2 = random_plane(problem, center, 0, "filter", True, 2)
    weights = [p.detach().clone() for p in problem.params]
    dx, dy = problem.unflatten(d1), problem.unflatten(d2)
    batches = [(x[s : s + batch], y[s : s + batch]) for s in range(0, x.shape[0], batch)]
    alphas = ours["alphas"]
    started, cpu = time.perf_counter(), time.process_time()
    reference = reference_loop(model, weights, dx, dy, batches, alphas, alphas)
    reference_time, reference_cpu = time.perf_counter() - started, time.process_time() - cpu
    problem.set_flat(center)
    difference = max(abs(a - b) for a, b in zip(reference, ours["loss"]))
    print(f"{name}: {problem.dimension} parameters, {resolution}×{resolution} grid, {x.shape[0]} rows, batch {batch}")
    print(f"  loss-landscape loop   wall {reference_time:7.2f} s   CPU {reference_cpu:7.2f} s")
    print(f"  ours, 1 process       wall {single_time:7.2f} s   CPU {single_cpu:7.2f} s   ratio wall {single_time / reference_time:.2f}, CPU {single_cpu / reference_cpu:.2f}")
    print(f"  ours, {workers} process(es)  wall {ours_time:7.2f} s   ratio wall {ours_time / reference_time:.2f}")
    print(f"  largest loss difference {difference:.2e}; CPU threads per process {torch.get_num_threads()}")
    assert difference < 1e-4 * max(1.0, max(reference)), "the two evaluations disagree"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=21)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    x, y, source = fashion_mnist(args.samples)
    print(f"torch {torch.__version__}, data: {source}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bench("MLP 784-256-128-10", mlp, x, y, args.resolution, args.batch)
    bench("CNN conv8-bn-conv16-bn-linear", cnn, x, y, args.resolution, args.batch)


if __name__ == "__main__":
    main()
