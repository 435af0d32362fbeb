"""Directions of a loss-landscape plane, as the engine draws them (src/core/landscape/directions.ts,
pca.ts, projection.ts), on a torch model's flat parameter vector.

Filter normalization is Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets", eq. 1 and
their net_plotter.py: each filter (a slice along a parameter's first dimension: a linear layer's
output row, a convolution's output channel) dᵢ ← dᵢ·‖wᵢ‖/(‖dᵢ‖ + 1e−10); 1-D parameters (biases,
BatchNorm) are zeroed with ignoreBiases (their --xignore biasbn), else set to the weights.
"""

from __future__ import annotations

from typing import Optional

import torch

from .problem import Problem

NORMALIZATIONS = ("filter", "layer", "model", "unit", "none")


def _match_norm(direction: torch.Tensor, weights: torch.Tensor) -> None:
    """d ← d·‖w‖/(‖d‖ + 1e−10), in place."""
    direction.mul_(weights.norm() / (direction.norm() + 1e-10))


def normalize_direction(direction: torch.Tensor, weights: torch.Tensor, mode: str, problem: Optional[Problem], ignore_biases: bool) -> torch.Tensor:
    """Normalizes a flat direction against the flat weights in place (see the module docstring)."""
    if mode == "none":
        return direction
    if mode == "unit":
        direction.div_(direction.norm())
        return direction
    if problem is None or mode == "model":
        if problem is not None and ignore_biases:
            direction[problem.bias_or_bn_mask()] = 0
        _match_norm(direction, weights)
        return direction
    for (_, offset, length), p in zip(problem.offsets(), problem.params):
        d = direction[offset : offset + length]
        w = weights[offset : offset + length]
        if p.dim() <= 1:
            if ignore_biases:
                d.zero_()
            else:
                d.copy_(w)
        elif mode == "filter":
            rows_d = d.view(p.shape[0], -1)
            rows_w = w.view(p.shape[0], -1)
            rows_d.mul_((rows_w.norm(dim=1) / (rows_d.norm(dim=1) + 1e-10)).unsqueeze(1))
        else:
            _match_norm(d, w)
    return direction


def random_plane(problem: Problem, weights: torch.Tensor, seed: int, mode: str, ignore_biases: bool, count: int = 2) -> list[torch.Tensor]:
    """Seeded Gaussian directions (a CPU torch.Generator, float64, so every device draws the same),
    the second orthogonalized to the first (Gram–Schmidt), each normalized."""
    generator = torch.Generator().manual_seed(seed)
    first = torch.randn(problem.dimension, generator=generator, dtype=torch.float64)
    directions = [first]
    if count == 2:
        second = torch.randn(problem.dimension, generator=generator, dtype=torch.float64)
        second -= (second @ first) / (first @ first) * first
        directions.append(second)
    w = weights.detach().to(torch.float64).cpu()
    return [normalize_direction(d, w, mode, problem, ignore_biases).to(problem.device, problem.dtype) for d in directions]


def trajectory_pca(snapshots: list[torch.Tensor], final: torch.Tensor, count: int = 2) -> tuple[list[torch.Tensor], list[float]]:
    """PCA of a path as Li et al. 2018 (projection.py): rows mₜ = θₜ − θ_final centred by their
    mean; axes from the Gram matrix G = MMᵀ = UΛUᵀ: axis k = Mᵀuₖ/‖Mᵀuₖ‖; explained variance λₖ/Σλ."""
    steps = len(snapshots)
    if steps < 2:
        raise ValueError(f"PCA directions need at least 2 parameter snapshots, got {steps}: train for more epochs, or give analyses.landscape.trajectory matching 2 or more checkpoint files")
    rows = torch.stack([s.detach().to(torch.float64) - final.detach().to(torch.float64) for s in snapshots])
    rows -= rows.mean(dim=0, keepdim=True)
    gram = rows @ rows.T
    values, vectors = torch.linalg.eigh(gram)
    total = float(values.clamp(min=0).sum())
    directions, explained = [], []
    for k in range(min(count, steps)):
        column = steps - 1 - k
        axis = rows.T @ vectors[:, column]
        length = axis.norm()
        if length > 0:
            axis = axis / length
        directions.append(axis.to(final.dtype))
        explained.append(float(values[column].clamp(min=0)) / total if total > 0 else 0.0)
    return directions, explained


def project_trajectory(points: list[torch.Tensor], origin: torch.Tensor, directions: list[torch.Tensor]) -> dict[str, list[float]]:
    """Least-squares coordinates of each θₜ on the plane (Li et al. 2018, projection.py), and the
    residual ‖θₜ − origin − αd₁ − βd₂‖/‖θₜ − origin‖."""
    first = directions[0].to(torch.float64)
    second = directions[1].to(torch.float64) if len(directions) > 1 else None
    g11 = float(first @ first)
    g12 = float(first @ second) if second is not None else 0.0
    g22 = float(second @ second) if second is not None else 1.0
    determinant = g11 * g22 - g12 * g12
    out: dict[str, list[float]] = {"alpha": [], "beta": [], "residual": []}
    o = origin.to(torch.float64)
    for point in points:
        delta = point.to(torch.float64) - o
        b1 = float(first @ delta)
        b2 = float(second @ delta) if second is not None else 0.0
        alpha = (g22 * b1 - g12 * b2) / determinant if second is not None else b1 / g11
        beta = (g11 * b2 - g12 * b1) / determinant if second is not None else 0.0
        off = delta - alpha * first - (beta * second if second is not None else 0)
        length = float(delta.norm())
        out["alpha"].append(alpha)
        out["beta"].append(beta)
        out["residual"].append(float(off.norm()) / length if length > 0 else 0.0)
    return out
