"""Spectral summaries from Hessian-vector products: Hutchinson's trace, the stochastic Lanczos
quadrature density, and the classification of a point from eigenvalues. Mirrors the engine's
src/core/hessian/trace.ts, density.ts and classify.ts, conventions included.
"""

from __future__ import annotations

import math
from typing import Callable, Optional, Sequence

import torch

from .eigensolvers import rademacher, seeded
from .hvp import Operator, check

DEFAULT_CLASSIFICATION_TOLERANCE = 1e-6


def mean_and_standard_error(samples: Sequence[float]) -> tuple[float, float]:
    """Mean x̄ = Σxᵢ/m and its standard error s/√m, s² = Σ(xᵢ − x̄)²/(m − 1) (NaN for one sample)."""
    m = len(samples)
    mean = sum(samples) / m
    if m < 2:
        return mean, math.nan
    variance = sum((x - mean) ** 2 for x in samples) / (m - 1)
    return mean, math.sqrt(variance / m)


def hutchinson_trace(operator: Operator, probes: int = 100, relative_error: Optional[float] = None, seed: int = 0, cancelled=None, progress=None, runner=None) -> dict:
    """tr(H) ≈ (1/m) Σ zᵢᵀHzᵢ with Rademacher zᵢ (Hutchinson 1990; Avron & Toledo 2011), with its
    standard error; stops early once the standard error ≤ relative_error·|estimate| (after 10 probes).
    With a runner (cluster.ProbeRunner) the probes run on a cluster, each drawn there from the
    generator's state before it, so the numbers are the sequential loop's."""
    generator = seeded(seed)
    if runner is not None and runner.accepts(operator):
        states = []
        for _ in range(probes):
            states.append(generator.get_state())
            rademacher(operator.dim, generator, "cpu", torch.float64)

        def enough(samples: list[float]) -> bool:
            mean, error = mean_and_standard_error(samples)
            return relative_error is not None and len(samples) >= 10 and error <= relative_error * abs(mean)

        samples = runner.quadratic_forms(operator, states, enough, cancelled, progress)
        estimate, error = mean_and_standard_error(samples)
        return {"trace": estimate, "standardError": error, "probes": len(samples), "samples": samples}
    samples: list[float] = []
    estimate, error = 0.0, math.inf
    while len(samples) < probes:
        check(cancelled)
        z = rademacher(operator.dim, generator, operator.device, operator.dtype)
        samples.append(float(torch.dot(z, operator.apply(z))))
        estimate, error = mean_and_standard_error(samples)
        if progress is not None:
            progress(len(samples) / probes, f"trace: probe {len(samples)} of {probes}")
        if relative_error is not None and len(samples) >= 10 and error <= relative_error * abs(estimate):
            break
    return {"trace": estimate, "standardError": error, "probes": len(samples), "samples": samples}


def lanczos_quadrature(operator: Operator, start: torch.Tensor, steps: int, cancelled=None, progress=None) -> tuple[list[float], list[float]]:
    """Gauss quadrature of vᵀf(H)v: m-step Lanczos with full reorthogonalization from v = z/‖z‖,
    T = SΘSᵀ, nodes θ, weights (S₀ᵢ)²; stops early on an invariant subspace."""
    basis = torch.zeros(steps, operator.dim, device=operator.device, dtype=operator.dtype)
    alpha: list[float] = []
    beta: list[float] = []
    v = start / torch.linalg.vector_norm(start)
    for j in range(steps):
        check(cancelled)
        basis[j] = v
        w = operator.apply(v)
        alpha.append(float(torch.dot(v, w)))
        scale = float(torch.linalg.vector_norm(w))
        for _ in range(2):
            w = w - basis[: j + 1].T @ (basis[: j + 1] @ w)
        if progress is not None:
            progress((j + 1) / steps, f"Lanczos step {j + 1}")
        norm = float(torch.linalg.vector_norm(w))
        if j == steps - 1 or norm <= 1e-10 * scale or norm == 0:
            break
        beta.append(norm)
        v = w / norm
    m = len(alpha)
    tridiagonal = torch.diag(torch.tensor(alpha, dtype=torch.float64))
    if m > 1:
        off = torch.tensor(beta[: m - 1], dtype=torch.float64)
        tridiagonal += torch.diag(off, 1) + torch.diag(off, -1)
    values, vectors = torch.linalg.eigh(tridiagonal)
    return values.tolist(), (vectors[0, :] ** 2).tolist()


def smooth_density(nodes: list[list[float]], weights: list[list[float]], width: float = 1e-5, width_convention: str = "variance", scale_width_by_range: bool = True, grid_size: int = 1000) -> dict:
    """ρ(λ) = (1/m) Σ_probes Σᵢ τᵢ·N(λ; θᵢ, σ²) averaged over each grid cell (the Gaussian's mass in
    the cell by erf differences, so Σρⱼ·Δ = 1 however coarse the grid). The grid spans the extreme
    nodes padded by max(0.01, 5σ); σ² = width (variance) or width², times max(1, mean λmax − mean
    λmin) when scale_width_by_range, as PyHessian's density_generate."""
    grid_size = max(grid_size, 2)
    highest = sum(max(n) for n in nodes) / len(nodes)
    lowest = sum(min(n) for n in nodes) / len(nodes)
    variance = (width if width_convention == "variance" else width * width) * (max(1.0, highest - lowest) if scale_width_by_range else 1.0)
    sigma = math.sqrt(variance)
    pad = max(0.01, 5 * sigma)
    low = min(min(n) for n in nodes) - pad
    high = max(max(n) for n in nodes) + pad
    spacing = (high - low) / (grid_size - 1)
    grid = low + spacing * torch.arange(grid_size, dtype=torch.float64)
    values = torch.zeros(grid_size, dtype=torch.float64)
    scale = 1 / (sigma * math.sqrt(2))
    for probe, node_list in enumerate(nodes):
        for node, tau in zip(node_list, weights[probe]):
            weight = tau / (len(nodes) * spacing)
            # Cells beyond 12σ hold less than 1e-32 of the mass.
            first = max(0, math.floor((node - 12 * sigma - low) / spacing))
            last = min(grid_size - 1, math.ceil((node + 12 * sigma - low) / spacing))
            edges = torch.cat([grid[first : last + 1] - 0.5 * spacing, grid[last : last + 1] + 0.5 * spacing])
            mass = torch.special.erf((edges - node) * scale)
            values[first : last + 1] += 0.5 * weight * (mass[1:] - mass[:-1])
    integral = float((values * spacing).sum())
    convention = {"width": width, "widthConvention": width_convention, "scaleWidthByRange": scale_width_by_range, "sigma": sigma, "sampling": "cell-average"}
    return {"grid": grid.tolist(), "values": values.tolist(), "convention": convention, "integral": integral}


def spectral_density(operator: Operator, steps: int = 100, probes: int = 1, width: float = 1e-5, width_convention: str = "variance", scale_width_by_range: bool = True, grid_size: int = 1000, seed: int = 0, cancelled=None, progress: Optional[Callable[[float, str], None]] = None, runner=None) -> dict:
    """Eigenvalue density by stochastic Lanczos quadrature (Ghorbani, Krishnan & Xiao 2019; as PyHessian):
    ρ(λ) ≈ (1/m) Σ_probes Σᵢ τᵢ·N(λ; θᵢ, σ²), (θᵢ, τᵢ) the Gauss quadrature of Lanczos from z/‖z‖."""
    steps = min(steps, operator.dim)
    generator = seeded(seed)
    nodes: list[list[float]] = []
    weights: list[list[float]] = []
    if runner is not None and runner.accepts(operator):  # each probe's Lanczos run on a cluster worker
        states = []
        for _ in range(probes):
            states.append(generator.get_state())
            rademacher(operator.dim, generator, "cpu", torch.float64)
        for theta, tau in runner.quadratures(operator, states, steps, cancelled, progress):
            nodes.append(theta)
            weights.append(tau)
    for probe in range(probes if not nodes else 0):
        start = rademacher(operator.dim, generator, operator.device, operator.dtype)

        def report(fraction: float, _message: str, probe=probe) -> None:
            if progress is not None:
                progress((probe + fraction) / probes, f"density: probe {probe + 1} of {probes}")

        theta, tau = lanczos_quadrature(operator, start, steps, cancelled, report)
        nodes.append(theta)
        weights.append(tau)
    smoothed = smooth_density(nodes, weights, width, width_convention, scale_width_by_range, grid_size)
    return {**smoothed, "steps": steps, "probes": probes, "nodes": nodes, "weights": weights}


def classify_spectrum(eigenvalues: Sequence[float], relative_tolerance: float = DEFAULT_CLASSIFICATION_TOLERANCE, complete: bool = True) -> dict:
    """Eigenvalues within threshold = max(relative_tolerance·max|λ|, 1e-12) of zero count as zero:
    any zero → degenerate; all positive → minimum; all negative → maximum; mixed → saddle of
    index #negative (a lower bound when only the ends were computed, complete = False)."""
    values = [float(v) for v in eigenvalues]
    largest = max((abs(v) for v in values), default=0.0)
    minimum = min(values, default=math.inf)
    maximum = max(values, default=-math.inf)
    threshold = max(relative_tolerance * largest, 1e-12)
    negative = sum(1 for v in values if v < -threshold)
    positive = sum(1 for v in values if v > threshold)
    zero_count = len(values) - negative - positive
    ratio = 0.0 if maximum == 0 or not math.isfinite(maximum) else abs(minimum / maximum)
    if zero_count > 0:
        kind = "degenerate"
    elif negative == 0:
        kind = "minimum"
    elif positive == 0:
        kind = "maximum"
    else:
        kind = "saddle"
    return {"kind": kind, "index": negative, "zeroCount": zero_count, "negativeRatio": ratio, "threshold": threshold, "relativeTolerance": relative_tolerance, "complete": complete}
