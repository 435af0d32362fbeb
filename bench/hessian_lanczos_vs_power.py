"""Top-k Hessian eigenvalues of a small CNN: the backend's thick-restart Lanczos against PyHessian's
deflated power iteration (tol 1e-3, 100 iterations per eigenvalue, PyHessian's defaults), both
to the same tolerance 1e-3 (Lanczos: relative Ritz residual; power: relative change of λ).

The CNN (conv 1→8 5×5, ReLU, max-pool, conv 8→16 5×5, ReLU, max-pool, linear 256→10; 5,994
parameters) is trained for a few epochs of Adam on 500 digits of the bundled 28×28 MNIST sample,
so the top of the spectrum is positive and power iteration's largest |λ| are the largest λ.
Float32 as PyHessian runs (torch's float64 convolutions take the slow reference kernels: about
4× the time per product), one thread, CPU time; the products are double-backprop HVPs over the
whole set. Reports products, seconds and each method's largest relative error against a
reference (Lanczos to 1e-5), and the ratio power/Lanczos.

Then the seconds per product of the two exact HVPs, double backprop and forward-over-reverse
(torch.func / functorch jvp of grad), on the CNN and on an MSE MLP: which one the backend should use.

Run: /usr/bin/python3 -u bench/hessian_lanczos_vs_power.py [k ...]   (default k = 1 3 5; a few minutes)
"""

import gzip
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "python"))

from landscape_lens.eigensolvers import lanczos_extremes, power_iteration  # noqa: E402
from landscape_lens.hvp import DoubleBackpropOperator, ForwardOverReverseOperator  # noqa: E402
from landscape_lens.problem import Problem  # noqa: E402

torch.set_num_threads(1)
TOLERANCE = 1e-3
ROWS = 500


def read_idx(name: str) -> np.ndarray:
    """An IDX file (gzip): big-endian magic, dimensions, unsigned bytes."""
    with gzip.open(os.path.join(ROOT, "media", name), "rb") as handle:
        raw = handle.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def make_cnn() -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(256, 10),
    )


def trained_problem() -> Problem:
    torch.manual_seed(0)
    images = torch.from_numpy(read_idx("mnist-sample.images.idx3.gz")[:ROWS].astype(np.float32) / 255.0).unsqueeze(1)
    labels = torch.from_numpy(read_idx("mnist-sample.labels.idx1.gz")[:ROWS].astype(np.int64))
    model = make_cnn()
    problem = Problem.from_module(model, images, labels, "softmax-cross-entropy")
    optimizer = torch.optim.Adam(problem.params, lr=1e-2)
    model.train()
    for _ in range(5):
        for start in range(0, images.shape[0], 50):
            optimizer.zero_grad()
            problem.batch_loss(images[start : start + 50], labels[start : start + 50]).backward()
            optimizer.step()
    model.eval()
    return problem


def timed(run):
    start = time.process_time()
    out = run()
    return out, time.process_time() - start


def main(counts: list[int]) -> None:
    problem = trained_problem()
    print(f"CNN with {problem.dimension} parameters, {problem.rows()} MNIST digits, loss {problem.loss():.4f}, accuracy {problem.accuracy():.3f}")
    reference_operator = DoubleBackpropOperator(problem)
    largest = max(counts)
    reference = lanczos_extremes(reference_operator, top=largest, tolerance=1e-5, max_products=600)
    exact = [p.value for p in reference.top]
    print(f"reference: top {largest} by Lanczos to 1e-5 in {reference.products} products (converged: {reference.converged}): " + ", ".join(f"{v:.6g}" for v in exact))
    print(f"{'k':>3} {'lanczos products':>17} {'seconds':>8} {'max rel err':>12} | {'power products':>15} {'seconds':>8} {'max rel err':>12} | {'products ratio':>14} {'time ratio':>10}")
    for k in counts:
        operator = DoubleBackpropOperator(problem)
        lanczos, lanczos_seconds = timed(lambda: lanczos_extremes(operator, top=k, tolerance=TOLERANCE))
        # The residual check of each pair is one more product each, counted in products.
        lanczos_error = max(abs(p.value - e) / abs(e) for p, e in zip(lanczos.top, exact))
        operator = DoubleBackpropOperator(problem)
        power, power_seconds = timed(lambda: power_iteration(operator, count=k, tolerance=TOLERANCE, max_iterations=100))
        power_values = sorted((p.value for p in power.pairs), reverse=True)
        power_error = max(abs(v - e) / abs(e) for v, e in zip(power_values, exact))
        print(
            f"{k:>3} {lanczos.products:>17} {lanczos_seconds:>8.2f} {lanczos_error:>12.2e} | {power.products:>15} {power_seconds:>8.2f} {power_error:>12.2e} | "
            f"{power.products / lanczos.products:>14.2f} {power_seconds / lanczos_seconds:>10.2f}"
        )
        unconverged = sum(1 for p in power.pairs if not p.converged)
        if unconverged:
            print(f"    power iteration: {unconverged} of {k} eigenvalues hit the 100-iteration cap")


def seconds_per_product(operator, repeats: int = 5) -> float:
    v = torch.randn(operator.dim, dtype=operator.dtype)
    operator.apply(v)
    start = time.process_time()
    for _ in range(repeats):
        operator.apply(v)
    return (time.process_time() - start) / repeats


def compare_products(problem: Problem, label: str) -> None:
    double = seconds_per_product(DoubleBackpropOperator(problem))
    forward = ForwardOverReverseOperator(problem)
    forward_seconds = seconds_per_product(forward)
    if forward._fallback is not None:
        shown = "unavailable (an operator has no forward-mode rule in this torch; the operator falls back to double backprop)"
    else:
        shown = f"{1000 * forward_seconds:.1f} ms"
    print(f"{label}: double backprop {1000 * double:.1f} ms per product, forward-over-reverse {shown}")


def products_comparison(cnn: Problem) -> None:
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(100, 200), torch.nn.Tanh(), torch.nn.Linear(200, 10))
    inputs = torch.randn(2000, 100)
    compare_products(Problem.from_module(mlp, inputs, torch.randn(2000, 10), "mse"), "MLP 100-200-10 tanh, mse, 2,000 rows")
    compare_products(cnn, "CNN, cross-entropy, 500 digits")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 3, 5])
    products_comparison(trained_problem())
