"""Extreme eigenpairs of a symmetric operator from its products alone: thick-restart Lanczos and
PyHessian's power iteration with deflation. Mirrors the engine's src/core/hessian/lanczos.ts and
power-iteration.ts; the vectors stay on the operator's device, only the small projected
problems go to the CPU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import torch

from .hvp import Operator, check


@dataclass
class Eigenpair:
    value: float
    vector: torch.Tensor
    """Unit eigenvector."""
    residual: float
    """‖Hv − λv‖."""
    iterations: int = 0
    converged: bool = True


@dataclass
class LanczosResult:
    top: list[Eigenpair]
    """Largest first."""
    bottom: list[Eigenpair]
    """Most negative first."""
    products: int
    restarts: int
    converged: bool
    """Every returned pair's residual ‖Hv − λv‖ is at most ``tolerance``·max|λ| (False when the
    product budget ran out before, or when the products' precision did not allow it; with
    exact_residuals=False, the residual estimates are judged instead)."""
    tolerance: float = 0.0
    """The relative tolerance the residuals were judged against: the one asked for when they meet
    it, else the larger reachable_tolerance(dtype) of a float32 (or lower precision) operator."""
    scale: float = 0.0
    """max|θ| over the Ritz values: the tolerance's scale."""


@dataclass
class PowerResult:
    pairs: list[Eigenpair] = field(default_factory=list)
    """In the order found: largest |λ| first."""
    products: int = 0


def gaussian(n: int, generator: torch.Generator, device, dtype) -> torch.Tensor:
    """n standard normal draws from a seeded CPU generator (the same numbers on every device)."""
    return torch.randn(n, generator=generator, dtype=torch.float64).to(device=device, dtype=dtype)


def rademacher(n: int, generator: torch.Generator, device, dtype) -> torch.Tensor:
    """n independent signs ±1 (probability ½ each) from a seeded CPU generator."""
    return (torch.randint(0, 2, (n,), generator=generator, dtype=torch.int64) * 2 - 1).to(device=device, dtype=dtype)


def seeded(seed: int) -> torch.Generator:
    generator = torch.Generator()
    generator.manual_seed(int(seed))
    return generator


def reachable_tolerance(dtype: torch.dtype) -> float:
    """The smallest relative residual ‖Hv − λv‖ / max|λ| that Hessian-vector products computed in
    ``dtype`` reliably reach: √ε of the dtype (3.5e-4 in float32, 0.03 in float16), since each
    product carries rounding errors of a few ε·‖H‖ per layer and the Ritz residual estimates,
    computed in float64, stop seeing them; 0 in float64, whose products are accurate far below
    any tolerance asked for."""
    if dtype == torch.float64:
        return 0.0
    return math.sqrt(torch.finfo(dtype).eps)


def residual_norm(operator: Operator, vector: torch.Tensor, value: float) -> float:
    """‖Hv − λv‖ by one more product."""
    return float(torch.linalg.vector_norm(operator.apply(vector) - value * vector))


def _wanted_indices(count: int, top: int, bottom: int) -> list[int]:
    """Ritz indices (ascending order) of the wanted ends."""
    indices: list[int] = []
    for i in range(min(bottom, count)):
        indices.append(i)
    for i in range(min(top, count)):
        if count - 1 - i not in indices:
            indices.append(count - 1 - i)
    return indices


def _kept_indices(count: int, top: int, bottom: int) -> list[int]:
    """Ritz indices a thick restart keeps: the wanted ones plus half the rest, split between the ends as asked."""
    keep = min(count - 1, top + bottom + (count - top - bottom) // 2)
    extra = keep - top - bottom
    extra_top = int(math.floor((extra * top) / (top + bottom) + 0.5))
    return _wanted_indices(count, top + extra_top, bottom + extra - extra_top)


class _LanczosState:
    """The basis V (rows), the projected matrix G = VᵀHV and the coupling of the last (unexpanded) basis vector."""

    def __init__(self, operator: Operator, capacity: int, generator: torch.Generator) -> None:
        self.operator = operator
        self.capacity = capacity
        self.size = capacity + 1
        self.generator = generator
        self.basis = torch.zeros(self.size, operator.dim, device=operator.device, dtype=operator.dtype)
        self.projected = torch.zeros(self.size, self.size, dtype=torch.float64)
        self.count = 1
        """Basis vectors held (expanded ones plus the last)."""
        self.expanded = 0
        start = gaussian(operator.dim, generator, operator.device, operator.dtype)
        self.basis[0] = start / torch.linalg.vector_norm(start)

    def _set(self, i: int, j: int, value: float) -> None:
        self.projected[i, j] = value
        self.projected[j, i] = value

    def _orthogonalize(self, w: torch.Tensor, count: int, record: bool) -> torch.Tensor:
        """w − Σᵢ (vᵢᵀw)vᵢ over the first count vectors, once or twice (Daniel, Gragg, Kaufman & Stewart 1976)."""
        coefficients = torch.zeros(count, device=w.device, dtype=w.dtype)
        basis = self.basis[:count]
        for _ in range(2):
            before = torch.linalg.vector_norm(w)
            c = basis @ w
            coefficients += c
            w = w - basis.T @ c
            if torch.linalg.vector_norm(w) > math.sqrt(0.5) * before:
                break
        if record:
            for i, c in enumerate(coefficients.tolist()):
                self._set(i, count - 1, c)
        return w

    def expand(self) -> bool:
        """One Lanczos step on the last basis vector; False when the space is exhausted."""
        j = self.expanded
        w = self.operator.apply(self.basis[j])
        norm = float(torch.linalg.vector_norm(w))
        w = self._orthogonalize(w, j + 1, True)
        self.expanded += 1
        beta = float(torch.linalg.vector_norm(w))
        if beta <= 1e-10 * norm or beta == 0:
            # Invariant subspace: continue from a random vector orthogonal to the basis (coupling 0).
            nxt = gaussian(self.operator.dim, self.generator, w.device, w.dtype)
            nxt = self._orthogonalize(nxt, j + 1, False)
            length = float(torch.linalg.vector_norm(nxt))
            if self.expanded >= self.operator.dim or length < 1e-8:
                self.count = self.expanded
                return False
            nxt = nxt / length
            beta = 0.0
        else:
            nxt = w / beta
        self.basis[j + 1] = nxt
        self.count = j + 2
        self.projected[j + 1, : j + 1] = 0
        self.projected[: j + 1, j + 1] = 0
        self._set(j + 1, j, beta)
        return True

    def ritz(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Rayleigh–Ritz on the expanded part: G_pp = SΘSᵀ, estimates |g·s_k| from the coupling g of the last vector."""
        p = self.expanded
        values, vectors = torch.linalg.eigh(self.projected[:p, :p])
        if self.count > p:
            estimates = (self.projected[p, :p] @ vectors).abs()
        else:
            estimates = torch.zeros(p, dtype=torch.float64)
        return values, vectors, estimates

    def ritz_vector(self, vectors: torch.Tensor, k: int) -> torch.Tensor:
        """y = V s_k."""
        p = self.expanded
        s = vectors[:, k].to(device=self.basis.device, dtype=self.basis.dtype)
        return self.basis[:p].T @ s

    def restart(self, values: torch.Tensor, vectors: torch.Tensor, kept: list[int]) -> None:
        """Thick restart: basis ← [Vs_k for kept k, v_last], G ← [[Θ, c], [cᵀ, ·]] with c_k = gᵀs_k."""
        p = self.expanded
        last = self.basis[p].clone()
        couplings = (self.projected[p, :p] @ vectors[:, kept]).tolist()
        s = vectors[:, kept].to(device=self.basis.device, dtype=self.basis.dtype)
        kept_vectors = (self.basis[:p].T @ s).T.clone()
        self.projected.zero_()
        k = len(kept)
        self.basis[:k] = kept_vectors
        for i, index in enumerate(kept):
            self._set(i, i, float(values[index]))
            self._set(k, i, couplings[i])
        self.basis[k] = last
        self.expanded = k
        self.count = k + 1
        if self.expanded > self.capacity:
            raise RuntimeError("thick restart kept more vectors than the basis holds")


def lanczos_extremes(
    operator: Operator,
    top: int = 0,
    bottom: int = 0,
    basis_size: Optional[int] = None,
    tolerance: Optional[float] = None,
    max_products: Optional[int] = None,
    seed: int = 0,
    exact_residuals: bool = True,
    cancelled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[float, str], None]] = None,
) -> LanczosResult:
    """The k largest and k smallest eigenpairs by Lanczos with full reorthogonalization and thick
    restarts that keep the wanted Ritz vectors (Wu & Simon 2000): H V = V G + r gᵀ, G = VᵀHV,
    Ritz pairs (θ, Vs) from G = SΘSᵀ. The iteration stops when every wanted estimate |gᵀs| ≤
    tolerance·max|θ|; the result is converged when the exact residuals ‖Hv − λv‖ (one more
    product per pair) are at most tolerance·max|θ| too, or, in float32, at most what its products
    reach (reachable_tolerance; result.tolerance says which): there the estimates can fall below
    1e-6 while the true residuals stay near 1e-5 of max|λ|.
    """
    n = operator.dim
    top = min(top, n)
    bottom = min(bottom, n - top)
    wanted = top + bottom
    tolerance = 1e-6 if tolerance is None else tolerance
    judged = max(tolerance, reachable_tolerance(operator.dtype))
    if wanted == 0:
        return LanczosResult([], [], 0, 0, True, judged)
    capacity = min(n, max(basis_size if basis_size is not None else max(3 * wanted, 30), wanted + 2))
    max_products = max(500, 50 * wanted) if max_products is None else max_products
    state = _LanczosState(operator, capacity, seeded(seed))
    start = operator.products
    restarts = 0
    converged = False
    while True:
        check(cancelled)
        exhausted = not state.expand()
        if state.expanded < wanted and not exhausted:
            continue
        values, vectors, estimates = state.ritz()
        scale = max(abs(float(values[0])), abs(float(values[-1])))
        indices = _wanted_indices(len(values), top, bottom)
        converged = exhausted or all(float(estimates[k]) <= tolerance * scale for k in indices)
        spent = operator.products - start
        if progress is not None:
            progress(min(1.0, spent / max_products), f"Lanczos: {spent} products, basis {state.expanded}")
        if converged or spent >= max_products:
            break
        if state.expanded >= capacity:
            state.restart(values, vectors, _kept_indices(len(values), top, bottom))
            restarts += 1

    def pairs(indices: list[int]) -> list[Eigenpair]:
        out = []
        for k in indices:
            vector = state.ritz_vector(vectors, k)
            value = float(values[k])
            residual = residual_norm(operator, vector, value) if exact_residuals else float(estimates[k])
            out.append(Eigenpair(value, vector, residual))
        return out

    count = len(values)
    top_pairs = pairs([count - 1 - i for i in range(min(top, count))])
    bottom_pairs = pairs(list(range(min(bottom, count))))
    met = tolerance
    if exact_residuals:
        # The verdict is the exact residuals', however the iteration ended: the tolerance asked for
        # when they meet it, else what the dtype reaches when they meet that.
        worst = max((p.residual for p in top_pairs + bottom_pairs), default=0.0)
        converged = worst <= tolerance * scale or worst <= judged * scale
        met = tolerance if worst <= tolerance * scale else judged
    return LanczosResult(top_pairs, bottom_pairs, operator.products - start, restarts, converged, met, scale)


def _deflate(vector: torch.Tensor, pairs: list[Eigenpair]) -> torch.Tensor:
    """v − Σ (uᵀv)u over the eigenvectors found."""
    for pair in pairs:
        vector = vector - torch.dot(pair.vector, vector) * pair.vector
    return vector


def power_iteration(
    operator: Operator,
    count: int = 1,
    max_iterations: int = 100,
    tolerance: Optional[float] = None,
    seed: int = 0,
    cancelled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[float, str], None]] = None,
) -> PowerResult:
    """Power iteration with deflation, as PyHessian's ``eigenvalues()``: v ← Hv/‖Hv‖ orthogonalized
    against the pairs found, λ = vᵀHv, until |λₖ − λₖ₋₁| ≤ tolerance·|λₖ| (default 1e-3, 100 iterations).
    """
    n = operator.dim
    count = min(count, n)
    tolerance = 1e-3 if tolerance is None else tolerance
    generator = seeded(seed)
    start = operator.products
    pairs: list[Eigenpair] = []
    for found in range(count):
        vector = _deflate(gaussian(n, generator, operator.device, operator.dtype), pairs)
        vector = vector / torch.linalg.vector_norm(vector)
        value = math.nan
        iterations = 0
        converged = False
        while iterations < max_iterations:
            check(cancelled)
            product = operator.apply(vector)
            iterations += 1
            previous, value = value, float(torch.dot(vector, product))
            vector = _deflate(product, pairs)
            length = float(torch.linalg.vector_norm(vector))
            if length > 0:
                vector = vector / length
            if length == 0 or abs(value - previous) <= tolerance * abs(value) + 1e-300:
                converged = True
                break
        if progress is not None:
            progress((found + 1) / count, f"power iteration: eigenvalue {found + 1} of {count}")
        product = operator.apply(vector)
        rayleigh = float(torch.dot(vector, product))
        residual = float(torch.linalg.vector_norm(product - rayleigh * vector))
        pairs.append(Eigenpair(rayleigh, vector, residual, iterations, converged))
    return PowerResult(pairs, operator.products - start)


class _Shifted(Operator):
    """v ↦ sign·Hv + ρv (a spectrum moved to λ ≥ 0), counting products on the base operator."""

    def __init__(self, base: Operator, sign: int, radius: float) -> None:
        self.base = base
        self.sign = sign
        self.radius = radius
        self.dim = base.dim
        self.device = base.device
        self.dtype = base.dtype

    @property
    def products(self) -> int:  # type: ignore[override]
        return self.base.products

    def apply(self, v: torch.Tensor) -> torch.Tensor:
        return self.sign * self.base.apply(v) + self.radius * v


def shifted_power_iteration(operator: Operator, top: int, bottom: int, tolerance: Optional[float], seed: int, cancelled=None, progress=None) -> tuple[list[Eigenpair], list[Eigenpair], int, bool]:
    """Top and bottom by power iteration: ρ = |λ|max first, then the top of H + ρI and of ρI − H (the most negative λ)."""
    start = operator.products
    dominant = power_iteration(operator, 1, tolerance=tolerance, seed=seed, cancelled=cancelled)
    radius = abs(dominant.pairs[0].value) if dominant.pairs else 0.0
    converged = all(p.converged for p in dominant.pairs)

    def run(count: int, sign: int) -> list[Eigenpair]:
        nonlocal converged
        if count == 0:
            return []
        result = power_iteration(_Shifted(operator, sign, radius), count, tolerance=tolerance, seed=seed, cancelled=cancelled, progress=progress)
        converged = converged and all(p.converged for p in result.pairs)
        return [Eigenpair(sign * (p.value - radius), p.vector, p.residual, p.iterations, p.converged) for p in result.pairs]

    top_pairs = run(top, 1)
    bottom_pairs = run(bottom, -1)
    return top_pairs, bottom_pairs, operator.products - start, converged
