"""analyses.hessian on a torch model: the whole-set training loss's Hessian at the current weights.

The same stages, defaults and result shape (src/shared/results.ts HessianResult) as the engine's
src/core/hessian/analyze.ts: the dense spectrum when the model has at most maxDimension
parameters (default 3000) and neither top nor bottom is asked; else the top/bottom eigenpairs
by Lanczos (or PyHessian's power iteration) with residuals; the classification; the trace by
Hutchinson or Hutch++; the SLQ density; slices of the loss along the extreme eigenvectors; the
same per module block. The result fills in as each stage finishes, so a cancellation keeps what
finished.
"""

from __future__ import annotations

import copy
import math
import time
from typing import Any, Callable, Optional

import torch

from .errors import ConfigError, UserCodeError
from .eigensolvers import Eigenpair, lanczos_extremes, shifted_power_iteration
from .hvp import Cancelled, MatrixOperator, Operator, RestrictedOperator, check, dense_matrix, hessian_operator
from .spectrum import DEFAULT_CLASSIFICATION_TOLERANCE, TRACE_METHODS, classify_spectrum, hutchinson_trace, hutchpp_trace, spectral_density

DEFAULT_DENSE_LIMIT = 3000
DEFAULT_FINITE_DIFFERENCE_STEP = 1e-5
PARTIAL_INTERVAL = 0.5

Progress = Callable[..., None]


def dense_limit_message(dimension: int, limit: int) -> str:
    return (
        f"the dense Hessian of {dimension} parameters exceeds the limit of {limit} (maxDimension): ask for "
        '"top"/"bottom" eigenvalues (Lanczos) and "density" (stochastic Lanczos quadrature) instead, which need '
        "only Hessian-vector products, or raise maxDimension"
    )


def hessian_settings(config: dict) -> dict:
    """analyses.hessian of a whole config (or the settings themselves)."""
    if "analyses" in config or "model" in config:
        return dict((config.get("analyses") or {}).get("hessian") or {})
    return dict(config)


class _Analysis:
    """What every stage of one analysis shares."""

    def __init__(self, problem, settings: dict, seed: int, target: dict, operator: Operator, cancelled, step, warnings: list[str]) -> None:
        self.problem = problem
        self.settings = settings
        self.seed = seed
        self.target = target
        self.operator = operator
        self.cancelled = cancelled
        self.step = step
        self.warnings = warnings
        self.with_vectors = bool(settings.get("eigenvectors", False))
        self.tolerance = settings.get("classificationTolerance", DEFAULT_CLASSIFICATION_TOLERANCE)
        self.gradient: Optional[torch.Tensor] = None
        self.layer_products = 0
        """Products spent on the per-layer blocks."""
        self.runner = None
        """A cluster.ProbeRunner: Hutchinson and SLQ probes on a cluster."""


def analyze(problem, settings: dict, seed: int = 0, cancelled=None, step: Optional[Callable[..., None]] = None, target: Optional[dict] = None, warnings: Optional[list[str]] = None, operator: Optional[Operator] = None, point: Optional[torch.Tensor] = None, blocks=None, slices: bool = True, gradient: Optional[torch.Tensor] = None, runner=None) -> tuple[dict, dict]:
    """Everything ``settings`` asks for at the problem's current weights (or of ``operator``, a block of it).

    Returns (result, extremes) where extremes holds the top and bottom Eigenpair lists found.
    Raises Cancelled with ``target`` holding the stages that finished.
    """
    started = time.perf_counter()
    method = settings.get("method", "exact")
    limit = settings.get("maxDimension", DEFAULT_DENSE_LIMIT)
    warnings = [] if warnings is None else warnings
    if operator is None:
        operator = hessian_operator(problem, method, settings.get("step", DEFAULT_FINITE_DIFFERENCE_STEP), cancelled)
    n = operator.dim
    if target is None:
        target = {"dimension": n, "method": method, "products": 0, "seconds": 0}
    target["dimension"] = n
    report = step or (lambda fraction, message, finished=False: None)
    analysis = _Analysis(problem, settings, seed, target, operator, cancelled, report, warnings)
    analysis.gradient = gradient
    analysis.runner = runner
    spent_before = target.get("products", 0)

    def finish() -> None:
        target["products"] = spent_before + operator.products + analysis.layer_products
        target["seconds"] = time.perf_counter() - started

    asked = settings.get("top") is not None or settings.get("bottom") is not None
    refused = settings.get("full") is True and n > limit
    if refused:
        warnings.append(dense_limit_message(n, limit))
    full = False if refused else settings.get("full", (not asked) and n <= limit)
    ends: dict[str, list[Eigenpair]] = {"top": [], "bottom": []}
    try:
        if full:
            ends = _dense_stage(analysis)
            finish()
        if asked or not full:
            top = settings.get("top", 0 if asked else 1)
            bottom = settings.get("bottom", 0 if asked else 1)
            ends = _extremes_stage(analysis, top if top is not None else 0, bottom if bottom is not None else 0, full, ends)
        finish()
        _trace_and_density_stage(analysis, finish)
        if slices and settings.get("slice", True) and point is not None:
            _add_slices(problem, point, settings, ends, target)
            finish()
        if settings.get("layers") and blocks:
            _layers_stage(analysis, blocks, finish)
    finally:
        finish()
    report(1, "Hessian analysis done")
    return target, ends


def _dense_stage(analysis: _Analysis) -> dict[str, list[Eigenpair]]:
    """The whole spectrum from the dense Hessian (built from products), its classification, and its extreme eigenpairs."""
    target = analysis.target
    matrix = dense_matrix(analysis.operator, analysis.cancelled, lambda f, m: analysis.step(0.5 * f, "dense Hessian"))
    check(analysis.cancelled)
    require_finite_matrix(matrix)
    # The eigenproblem in float64 whatever the model's precision (a float32 eigensolver loses the small eigenvalues).
    matrix = matrix.to(torch.float64)
    if analysis.with_vectors:
        values, vectors = torch.linalg.eigh(matrix)
        target["eigenvectors"] = vectors.T.tolist()
    else:
        values = torch.linalg.eigvalsh(matrix)
    target["eigenvalues"] = values.tolist()
    target["classification"] = classify_spectrum(target["eigenvalues"], analysis.tolerance, True)
    analysis.step(0.5, "dense spectrum done", True)
    # The extreme eigenvectors by Lanczos on the dense matrix: no more model products.
    found = lanczos_extremes(MatrixOperator(matrix), top=1, bottom=1, tolerance=1e-10, seed=analysis.seed)
    return {"top": found.top, "bottom": found.bottom}


def _pair(pair: Eigenpair, with_vector: bool) -> dict:
    out: dict[str, Any] = {"value": pair.value, "residual": pair.residual}
    if with_vector:
        out["vector"] = pair.vector.tolist()
    return out


def _extremes_stage(analysis: _Analysis, top: int, bottom: int, full: bool, ends: dict) -> dict:
    """Top and bottom eigenpairs by Lanczos or power iteration; classifies from both ends when the dense path did not run."""
    settings, target = analysis.settings, analysis.target
    if settings.get("solver") == "power":
        top_pairs, bottom_pairs, products, converged = shifted_power_iteration(analysis.operator, top, bottom, settings.get("tolerance"), analysis.seed, analysis.cancelled)
        target["solver"] = {"name": "power", "products": products, "converged": converged}
    else:
        result = lanczos_extremes(
            analysis.operator,
            top=top,
            bottom=bottom,
            tolerance=settings.get("tolerance"),
            max_products=settings.get("maxProducts"),
            seed=analysis.seed,
            cancelled=analysis.cancelled,
            progress=lambda f, m: analysis.step(0.5 + 0.2 * f, "Lanczos"),
        )
        top_pairs, bottom_pairs = result.top, result.bottom
        target["solver"] = {"name": "lanczos", "products": result.products, "restarts": result.restarts, "converged": result.converged, "tolerance": result.tolerance}
        _lanczos_warnings(analysis, result, settings.get("tolerance"))
    target["top"] = [_pair(p, analysis.with_vectors) for p in top_pairs]
    target["bottom"] = [_pair(p, analysis.with_vectors) for p in bottom_pairs]
    merged = {"top": top_pairs if top > 0 else ends["top"], "bottom": bottom_pairs if bottom > 0 else ends["bottom"]}
    # Both ends are needed to classify from a partial spectrum.
    if not full and merged["top"] and merged["bottom"]:
        target["classification"] = classify_spectrum([p.value for p in merged["top"] + merged["bottom"]], analysis.tolerance, False)
    analysis.step(0.7, "extremes done", True)
    return merged


def _warn_once(warnings: list[str], line: str) -> None:
    """Appends a warning unless the same line is there (the per-layer analyses repeat them)."""
    if line not in warnings:
        warnings.append(line)


def _lanczos_warnings(analysis: _Analysis, result, asked: Optional[float]) -> None:
    """Says when the residuals missed the tolerance asked for, and whether they met what the dtype reaches instead."""
    requested = 1e-6 if asked is None else asked
    pairs = result.top + result.bottom
    worst = max((p.residual for p in pairs), default=0.0) / result.scale if result.scale > 0 else 0.0
    dtype = str(analysis.operator.dtype).replace("torch.", "")
    if result.converged and result.tolerance > requested:
        _warn_once(analysis.warnings, (
            f"Lanczos in {dtype}: the largest residual ‖Hv − λv‖ is {worst:.1e}·max|λ|, above the tolerance {requested:.0e} asked for, which "
            f"Hessian-vector products in {dtype} do not reliably reach; it meets {result.tolerance:.1e}·max|λ| (√ε of {dtype}), reported as "
            f"the solver's tolerance; set model.dtype to \"float64\" for tighter eigenpairs"
        ))
    elif not result.converged and pairs:
        _warn_once(analysis.warnings, (
            f"Lanczos did not converge: the largest residual ‖Hv − λv‖ is {worst:.1e}·max|λ|, above the tolerance {result.tolerance:.1e}·max|λ|, "
            f"after {result.products} Hessian-vector products in {dtype}; the eigenvalues are approximate (raise analyses.hessian.maxProducts"
            + (', or set model.dtype to "float64")' if dtype != "float64" else ")")
        ))


def _trace_and_density_stage(analysis: _Analysis, finish: Callable[[], None]) -> None:
    """The trace by Hutchinson or Hutch++ (with Σλ when the spectrum is known) and the SLQ density, as asked."""
    settings, target = analysis.settings, analysis.target
    trace = settings.get("trace")
    if trace:
        options = trace if isinstance(trace, dict) else {}
        method = options.get("method", "hutchinson")
        report = lambda f, m: analysis.step(0.7 + 0.1 * f, "trace")  # noqa: E731
        if method == "hutch++":
            if analysis.runner is not None:
                # Hutch++'s products depend on one another (the remainder's probes are projected off the sketch's basis).
                _warn_once(analysis.warnings, "analyses.hessian.trace: Hutch++ runs in the backend process, not on the cluster's workers (its remainder "
                           'probes depend on the sketch); use "method": "hutchinson" to spread the trace\'s probes over the cluster')
            estimate = hutchpp_trace(analysis.operator, options.get("probes", 100), options.get("relativeError"), analysis.seed, analysis.cancelled, report)
        else:
            estimate = hutchinson_trace(analysis.operator, options.get("probes", 100), options.get("relativeError"), analysis.seed, analysis.cancelled, report, runner=analysis.runner)
        target["trace"] = {"method": estimate["method"], "estimate": estimate["trace"], "standardError": estimate["standardError"], "probes": estimate["probes"]}
        if "sketch" in estimate:
            target["trace"]["sketch"] = estimate["sketch"]
        if "eigenvalues" in target:
            target["trace"]["exact"] = sum(target["eigenvalues"])
        finish()
        analysis.step(0.8, "trace done", True)
    density = settings.get("density")
    if density:
        options = density if isinstance(density, dict) else {}
        found = spectral_density(
            analysis.operator,
            steps=options.get("steps", 100),
            probes=options.get("probes", 1),
            width=options.get("width", 1e-5),
            width_convention=options.get("widthConvention", "variance"),
            scale_width_by_range=options.get("scaleWidthByRange", True),
            grid_size=options.get("gridSize", 1000),
            seed=analysis.seed,
            cancelled=analysis.cancelled,
            progress=lambda f, m: analysis.step(0.8 + 0.15 * f, "density"),
            runner=analysis.runner,
        )
        target["density"] = {key: found[key] for key in ("grid", "values", "convention", "steps", "probes", "integral")}
        finish()
        analysis.step(0.95, "density done", True)


def _layers_stage(analysis: _Analysis, blocks, finish: Callable[[], None]) -> None:
    """The same analysis on each module's block P·H·Pᵀ (no slices, no nested layers)."""
    settings, target = analysis.settings, analysis.target
    target["layers"] = []
    base = hessian_operator(analysis.problem, settings.get("method", "exact"), settings.get("step", DEFAULT_FINITE_DIFFERENCE_STEP), analysis.cancelled)
    for name, offset, length in blocks:
        restricted = RestrictedOperator(base, offset, length)
        layer: dict = {"dimension": length, "method": settings.get("method", "exact"), "products": 0, "seconds": 0}
        gradient = analysis.gradient
        if gradient is not None:
            layer["gradientNorm"] = float(torch.linalg.vector_norm(gradient[offset : offset + length]))
        layer_settings = {**settings, "layers": False, "slice": False}
        analyze(analysis.problem, layer_settings, analysis.seed, analysis.cancelled, None, layer, analysis.warnings, restricted, slices=False, runner=analysis.runner)
        target["layers"].append({**layer, "name": name or "(root)", "offset": offset, "length": length})
        analysis.layer_products += layer["products"]
        finish()
        analysis.step(0.95, f"layer {name} done", True)
    finish()


def loss_along_direction(problem, point: torch.Tensor, direction: torch.Tensor, radius: float = 1.0, points: int = 51) -> dict:
    """The 1-D slice L(θ + t·d/‖d‖) for t on a uniform grid of ``points`` in [−radius, radius]; the weights are restored."""
    length = float(torch.linalg.vector_norm(direction))
    if length == 0:
        raise ValueError("the slice direction is the zero vector")
    unit = direction.to(point.device, point.dtype) / length
    steps, values = [], []
    try:
        for k in range(points):
            t = 0.0 if points == 1 else -radius + (2 * radius * k) / (points - 1)
            problem.set_flat(point + t * unit)
            steps.append(t)
            values.append(problem.loss("train"))
    finally:
        problem.set_flat(point)
    return {"steps": steps, "values": values}


def _add_slices(problem, point: torch.Tensor, settings: dict, ends: dict, target: dict) -> None:
    """Slices along the top and the most negative eigenvector; radius 1 for ‖θ‖ ≤ 10, else 0.1·‖θ‖; 41 points."""
    options = settings.get("slice") if isinstance(settings.get("slice"), dict) else {}
    norm = float(torch.linalg.vector_norm(point))
    radius = options.get("radius", 1.0 if norm <= 10 else 0.1 * norm)
    points = options.get("points", 41)
    target["slices"] = []
    for direction in ("top", "bottom"):
        if ends[direction]:
            pair = ends[direction][0]
            target["slices"].append({"direction": direction, "eigenvalue": pair.value, **loss_along_direction(problem, point, pair.vector, radius, points)})


def run_hessian(problem, config: dict, progress: Progress, cancelled: Callable[[], bool], runner=None, trained_epochs: Optional[int] = None) -> dict:
    """The `hessian` request: analyses.hessian at the problem's current weights over the training set.

    Returns {"hessian": HessianResult} (and "cancelled": True with what finished when cancelled;
    "warnings" when something was refused without stopping the analysis). trained_epochs: the
    epochs the session's training finished (None when it did not train); hessian.history then holds
    the entry of reason "end" at that epoch (the trained weights); the entries of training's own
    analyses are run_training's "hessianHistory", which come before it.
    """
    settings = hessian_settings(config)
    seed = int(config.get("seed", 0) or 0) if ("analyses" in config or "model" in config) else 0
    method = settings.get("method", "exact")
    target: dict = {"dimension": problem.dimension, "method": method, "products": 0, "seconds": 0}
    warnings: list[str] = []
    point = problem.flat()
    last = [time.perf_counter()]

    def step(fraction: float, message: str, finished: bool = False) -> None:
        """Progress; the results so far ride along when a stage finished, at most twice a second otherwise."""
        now = time.perf_counter()
        if finished or now - last[0] >= PARTIAL_INTERVAL or fraction == 1:
            last[0] = now
            progress(fraction, f"Hessian: {message}", {"hessian": copy.deepcopy(target)})

    check_settings(settings)
    started = time.perf_counter()
    try:
        loss, gradient = problem.loss_and_grad()
        require_finite(problem, loss, gradient, point)
        target["gradientNorm"] = float(torch.linalg.vector_norm(gradient))
        if problem.dimension <= 100:
            target["point"] = point.tolist()
        analysis_blocks = problem.blocks() if settings.get("layers") else None
        analyze(problem, settings, seed, cancelled, step, target, warnings, point=point, blocks=analysis_blocks, gradient=gradient, runner=runner)
        # After training, the analysis at the trained weights closes the history, as the engine's (reason "end").
        if trained_epochs is not None and "classification" in target:
            target["history"] = [history_entry(trained_epochs, "end", target)]
    except Cancelled:
        problem.set_flat(point)
        target["seconds"] = time.perf_counter() - started
        out = {"hessian": target, "cancelled": True}
        if warnings:
            out["warnings"] = warnings
        return out
    out: dict = {"hessian": target}
    if warnings:
        out["warnings"] = warnings
    return out


def require_finite(problem, loss: float, gradient: torch.Tensor, point: torch.Tensor) -> None:
    """Raises UserCodeError when the loss or its gradient at the weights is NaN or ±Infinity: every
    Hessian-vector product there is then NaN too, and the eigensolvers would fail on it with an
    internal error instead of saying why. Names non-finite weights first, when there are some."""
    weights = int((~torch.isfinite(point)).sum())
    if weights:
        first = int((~torch.isfinite(point)).nonzero()[0])
        name = next((name for name, offset, length in problem.offsets() if offset <= first < offset + length), "?")
        raise UserCodeError(
            f"the Hessian cannot be analysed: {weights} of the model's {point.numel()} weights are NaN or ±Infinity (the first in {name}, "
            f"flat index {first}), so the loss is {loss}; load weights without NaN/Inf (or lower the learning rate if training diverged)"
        )
    if not math.isfinite(loss):
        raise UserCodeError(
            f"the Hessian cannot be analysed: the training loss at the given weights is {loss}: the model's output or the loss is NaN or ±Infinity "
            "on the training data; check the data for NaN or Infinity and the model's forward for operations that overflow"
        )
    bad = int((~torch.isfinite(gradient)).sum())
    if bad:
        raise UserCodeError(
            f"the Hessian cannot be analysed: the gradient of the training loss at the given weights has {bad} non-finite entries of {gradient.numel()} "
            f"(the loss itself is {loss}): the model's backward overflows or divides by zero there"
        )


def require_finite_matrix(matrix: torch.Tensor) -> None:
    """Raises UserCodeError when the dense Hessian built from products holds NaN or ±Infinity (the loss and gradient were finite)."""
    bad = int((~torch.isfinite(matrix)).sum())
    if bad:
        raise UserCodeError(
            f"the Hessian cannot be analysed: {bad} of the dense Hessian's {matrix.numel()} entries are NaN or ±Infinity although the loss and its "
            "gradient are finite: the model's second derivatives overflow at these weights (try method \"finite-difference\", or other weights)"
        )


def check_settings(settings: dict) -> None:
    """Errors a user can cause in analyses.hessian, as config errors naming the field."""
    for key in ("top", "bottom", "maxDimension", "maxProducts"):
        value = settings.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ConfigError(f"analyses.hessian.{key} must be a whole number ≥ 0, not {value!r}", f"/analyses/hessian/{key}")
    solver = settings.get("solver")
    if solver is not None and solver not in ("lanczos", "power"):
        raise ConfigError(f'analyses.hessian.solver "{solver}" is not known: use "lanczos" or "power"', "/analyses/hessian/solver")
    method = settings.get("method")
    if method is not None and method not in ("exact", "finite-difference"):
        raise ConfigError(f'analyses.hessian.method "{method}" is not known: use "exact" or "finite-difference"', "/analyses/hessian/method")
    trace = settings.get("trace")
    if isinstance(trace, dict):
        trace_method = trace.get("method")
        if trace_method is not None and trace_method not in TRACE_METHODS:
            raise ConfigError(f'analyses.hessian.trace.method "{trace_method}" is not known: use "hutchinson" or "hutch++"', "/analyses/hessian/trace/method")
        probes = trace.get("probes")
        if probes is not None and (not isinstance(probes, int) or isinstance(probes, bool) or probes < 2):
            raise ConfigError(f"analyses.hessian.trace.probes must be a whole number ≥ 2 (Hessian-vector products), not {probes!r}", "/analyses/hessian/trace/probes")


def history_entry(epoch: int, reason: str, analysis: dict) -> dict:
    """λmax, λmin, the negative count and the kind of an analysis (a HessianHistoryEntry)."""
    values = analysis.get("eigenvalues") or [p["value"] for p in analysis.get("top", []) + analysis.get("bottom", [])]
    classification = analysis.get("classification") or {}
    return {
        "epoch": epoch,
        "reason": reason,
        "lambdaMax": max(values) if values else math.nan,
        "lambdaMin": min(values) if values else math.nan,
        "negativeCount": classification.get("index", 0),
        "kind": classification.get("kind", "degenerate"),
    }


def quick_settings(settings: dict) -> dict:
    """The analysis run during training: the extremes only (dense when small and asked, else Lanczos top 1 / bottom 1 at least)."""
    quick = {**settings, "trace": False, "density": False, "layers": False, "slice": False, "eigenvectors": False}
    if not settings.get("full"):
        quick["top"] = max(settings.get("top") or 1, 1)
        quick["bottom"] = max(settings.get("bottom") or 1, 1)
    return quick


def extreme_eigenvectors(problem, config: dict, cancelled: Optional[Callable[[], bool]] = None) -> tuple[torch.Tensor, float, torch.Tensor, float]:
    """(top vector, top value, bottom vector, bottom value) of the Hessian at the current weights, by
    Lanczos at its defaults (relative residual 1e-6) seeded with the config's seed, as the engine's
    landscape draws its Hessian plane (src/core/landscape/analysis.ts)."""
    settings = hessian_settings(config)
    seed = int(config.get("seed", 0) or 0) if ("analyses" in config or "model" in config) else 0
    loss, gradient = problem.loss_and_grad()
    require_finite(problem, loss, gradient, problem.flat())
    operator = hessian_operator(problem, settings.get("method", "exact"), settings.get("step", DEFAULT_FINITE_DIFFERENCE_STEP), cancelled)
    found = lanczos_extremes(operator, top=1, bottom=1, seed=seed, cancelled=cancelled)
    return found.top[0].vector, found.top[0].value, found.bottom[0].vector, found.bottom[0].value
