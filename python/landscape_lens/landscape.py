"""analyses.landscape on a torch model, as the engine's src/core/landscape/analysis.ts does it:
the plane's directions, the grid by progressive refinement (each finished level streamed as a
partial result), and the training path projected on the plane. Points whose loss is NaN or
±Infinity are null and named in the warnings; a grid with no finite point fails. An interpolation
to a checkpoint interpolates BatchNorm's running statistics with the weights."""

from __future__ import annotations

import glob
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import torch

from . import batches
from .directions import NORMALIZATIONS, project_trajectory, random_plane, trajectory_pca
from .errors import ConfigError, UserCodeError
from .forked_grid import evaluate_points, worker_count
from .grid import linspace, refinement_levels, subgrid
from .hessian import extreme_eigenvectors
from .hvp import Cancelled
from .loading import Loader, state_dict_to_flat
from .plane import PlaneEvaluator, log_to_stderr
from .problem import Problem

DEFAULT_RESOLUTION = 51
DEFAULT_RANGE = (-1.0, 1.0)
INTERPOLATION_RANGE = (-0.5, 1.5)
FIELD = "/analyses/landscape"
MEASURED_GRID = 50
PATH_TASK = 8
"""Path points per cluster task."""


def _range(settings: dict[str, Any]) -> Optional[tuple[float, float]]:
    value = settings.get("range")
    if value is None:
        return None
    low, high = (-float(value), float(value)) if isinstance(value, (int, float)) else (float(value[0]), float(value[1]))
    if not low < high:
        raise ConfigError(f"analyses.landscape.range [{low}, {high}]: the first value must be below the second, e.g. [-1, 1]", FIELD + "/range")
    return low, high


def checkpoint_path(problem: Problem, loader: Loader, pattern: str) -> list[torch.Tensor]:
    """The checkpoint files matching a glob (relative to the config's folder), sorted by name, as flat vectors."""
    files = sorted(glob.glob(loader.path(pattern)))
    if not files:
        raise ConfigError(f'analyses.landscape.trajectory "{pattern}" matches no file in {loader.base_dir}', FIELD + "/trajectory")
    return [state_dict_to_flat(problem, loader.state_dict_file(f, FIELD + "/trajectory"), f, FIELD + "/trajectory") for f in files]


def hessian_directions(problem: Problem, config: dict[str, Any], count: int, cancelled: Callable[[], bool]) -> tuple[list[torch.Tensor], list[float]]:
    """The top eigenvector and, for a plane, the most negative one (Lanczos, hessian.extreme_eigenvectors)."""
    top_vector, top_value, bottom_vector, bottom_value = extreme_eigenvectors(problem, config, cancelled)
    vectors, values = [top_vector], [float(top_value)]
    if count == 2:
        vectors.append(bottom_vector)
        values.append(float(bottom_value))
    return [torch.as_tensor(v).to(problem.device, problem.dtype) for v in vectors], values


EXAMPLES = 3
"""How many non-finite points a message names."""


def _round(value: float) -> str:
    """A coordinate to four significant digits, as the engine writes it (0.5, -0.25, 1e-05)."""
    text = f"{value:.4g}"
    return "0" if text in ("0", "-0") else text


def _grid_point(index: int, alphas: list[float], betas: list[float]) -> str:
    alpha, beta = alphas[index % len(alphas)], betas[index // len(alphas)]
    return f"α={_round(alpha)}" if len(betas) == 1 else f"α={_round(alpha)}, β={_round(beta)}"


def non_finite_warnings(loss: list[Optional[float]], alphas: list[float], betas: list[float], path_loss: list[Optional[float]]) -> list[str]:
    """Warnings naming the grid points and path points whose loss came back NaN or ±Infinity (null in
    the result, as points not computed are), as the engine's src/core/landscape/analysis.ts words
    them. A finished grid with no finite point is not a landscape: that raises UserCodeError."""
    bad = [i for i, v in enumerate(loss) if v is not None and not math.isfinite(v)]
    computed = sum(v is not None for v in loss)
    out = []
    if bad:
        named = [_grid_point(i, alphas, betas) for i in bad[:EXAMPLES]]
        more = f", and {len(bad) - EXAMPLES} more" if len(bad) > EXAMPLES else ""
        if len(bad) == len(loss):
            raise UserCodeError(
                f"the loss is not finite at any of the {len(loss)} grid points (e.g. at {named[0]}): the model's output or its loss is NaN or ±Infinity there; "
                "check the weights and the data for NaN or Infinity, and narrow analyses.landscape.range if the loss overflows far from the centre"
            )
        out.append(f"the loss is not finite (NaN or ±Infinity) at {len(bad)} of {computed} computed grid points (at {'; '.join(named)}{more}): those points are null in the landscape")
    path_bad = [t for t, v in enumerate(path_loss) if v is not None and not math.isfinite(v)]
    if path_bad:
        more = f", and {len(path_bad) - EXAMPLES} more" if len(path_bad) > EXAMPLES else ""
        out.append(f"the loss is not finite (NaN or ±Infinity) at {len(path_bad)} of the path's {len(path_loss)} points (indices {', '.join(map(str, path_bad[:EXAMPLES]))}{more}): those points are null in the path's loss")
    return out


def floating_buffers(problem: Problem) -> dict[str, torch.Tensor]:
    """The model's floating-point buffers by name (BatchNorm's running_mean and running_var; not
    the integer num_batches_tracked, which an interpolation keeps)."""
    return {name: b for name, b in problem.model.named_buffers() if b is not None and b.is_floating_point()}


def _names(names) -> str:
    listed = list(names)
    return ", ".join(listed[:4]) + (f" and {len(listed) - 4} more" if len(listed) > 4 else "")


def cancelled_before_grid(kind: str, dimensions: int, plane_range: tuple[float, float], settings: dict[str, Any], problem: Problem) -> dict[str, Any]:
    """The result of a landscape cancelled while its directions were computed: no point computed."""
    alphas = linspace(plane_range[0], plane_range[1], int(settings.get("resolution", DEFAULT_RESOLUTION)))
    betas = list(alphas) if dimensions == 2 else [0.0]
    samples = settings.get("samples")
    rows = min(int(samples), problem.rows()) if samples is not None else problem.rows()
    landscape = {"directions": kind, "normalization": "none", "dimensions": dimensions, "alphas": alphas, "betas": betas,
                 "loss": [None] * (len(alphas) * len(betas)), "samples": rows, "stride": 1, "complete": False}
    if problem.classification:
        landscape["accuracy"] = [None] * (len(alphas) * len(betas))
    return {"landscape": landscape, "cancelled": True, "warnings": ["landscape cancelled while computing the Hessian eigenvectors: no grid point computed"]}


@dataclass
class Plane:
    """The plane a landscape is drawn on, as the direction choice found it: θ(α, β) = origin + α·d₁ + β·d₂
    over plane_range, with what the result reports about the directions."""

    origin: torch.Tensor
    directions: list[torch.Tensor]
    plane_range: tuple[float, float]
    normalization: str = "none"
    explained: Optional[list[float]] = None
    """pca: the share of the path's variance along each direction."""
    eigenvalues: Optional[list[float]] = None
    """hessian: the eigenvalue of each direction."""
    buffer_line: Optional[dict[str, tuple[torch.Tensor, torch.Tensor]]] = None
    """interpolation to a checkpoint: each floating buffer's (start, end), interpolated with the weights."""
    notes: list[str] = field(default_factory=list)
    """Warnings about the choice."""


# ---- direction choice ---------------------------------------------------------------------------------
def choose_plane(kind: str, dimensions: int, settings: dict[str, Any], chosen_range: Optional[tuple[float, float]], problem: Problem, config: dict[str, Any],
                 loader: Loader, center: torch.Tensor, path: list[torch.Tensor], trained: bool, cluster: Any, progress: Callable[..., None],
                 cancelled: Callable[[], bool]) -> Plane:
    """The plane analyses.landscape.directions asks for (random, pca, hessian or interpolation),
    at the weights ``center``. Raises Cancelled when cancelled while the Hessian's eigenvectors are computed."""
    if kind == "interpolation":
        return _interpolation_plane(settings, chosen_range, problem, loader, center, path, trained, cluster)
    if kind == "pca":
        return _pca_plane(dimensions, chosen_range, problem, center, path)
    if kind == "hessian":
        progress(0.0, "landscape: Hessian eigenvectors")
        directions, eigenvalues = hessian_directions(problem, config, dimensions, cancelled)
        return Plane(center, directions, chosen_range or DEFAULT_RANGE, eigenvalues=eigenvalues)
    if kind == "random":
        normalization = settings.get("normalization", "filter")
        if normalization not in NORMALIZATIONS:
            raise ConfigError(f'analyses.landscape.normalization "{normalization}": use one of {", ".join(NORMALIZATIONS)}', FIELD + "/normalization")
        seed = int(config.get("seed", 0) or 0)
        directions = random_plane(problem, center, seed, normalization, settings.get("ignoreBiases", True) is not False, dimensions)
        return Plane(center, directions, chosen_range or DEFAULT_RANGE, normalization=normalization)
    raise ConfigError(f'analyses.landscape.directions "{kind}": use random, pca, hessian or interpolation', FIELD + "/directions")


def _interpolation_plane(settings: dict[str, Any], chosen_range: Optional[tuple[float, float]], problem: Problem, loader: Loader, center: torch.Tensor,
                         path: list[torch.Tensor], trained: bool, cluster: Any) -> Plane:
    """The line from the initial to the trained weights (after training), or from model.weights to
    the checkpoint "to", with the BatchNorm statistics interpolated along when the checkpoint has them."""
    statistics = floating_buffers(problem)
    notes: list[str] = []
    buffer_line: Optional[dict[str, tuple[torch.Tensor, torch.Tensor]]] = None
    if trained:
        origin, target = path[0].to(problem.device, problem.dtype), center
        if statistics:
            notes.append(f"landscape interpolation: the buffers {_names(statistics)} (BatchNorm running statistics) are the trained model's at every α; "
                         "training keeps only the initial parameters, not the initial buffers, so only the parameters are interpolated")
    elif settings.get("to"):
        to_file = loader.path(settings["to"])
        to_state = loader.state_dict_file(to_file, FIELD + "/to")
        origin, target = center, state_dict_to_flat(problem, to_state, to_file, FIELD + "/to")
        buffer_line = {name: (value.detach().clone(), to_state[name]) for name, value in statistics.items() if name in to_state}
        missing = [name for name in statistics if name not in to_state]
        if missing:
            notes.append(f"landscape interpolation: {os.path.basename(to_file)} lacks the buffers {_names(missing)}, which keep model.weights' values at every α")
        if buffer_line and cluster is not None:
            notes.append(f"landscape interpolation on a cluster: the buffers {_names(buffer_line)} (BatchNorm running statistics) keep model.weights' values "
                         "at every α, as the cluster's workers interpolate only the parameters; run without the cluster to interpolate them too")
            buffer_line = None
    else:
        raise ConfigError('analyses.landscape.directions "interpolation" needs training, or "to": a second checkpoint to interpolate towards', FIELD + "/to")
    return Plane(origin, [target - origin], chosen_range or INTERPOLATION_RANGE, buffer_line=buffer_line, notes=notes)


def _pca_plane(dimensions: int, chosen_range: Optional[tuple[float, float]], problem: Problem, center: torch.Tensor, path: list[torch.Tensor]) -> Plane:
    """The path's principal directions around the final weights; the range reaches 1.2× the path's farthest point."""
    try:
        directions, explained = trajectory_pca(path, center, dimensions)
    except ValueError as exc:
        raise ConfigError(f"analyses.landscape: {exc}", FIELD + "/trajectory") from exc
    directions = [d.to(problem.device, problem.dtype) for d in directions]
    projected = project_trajectory(path, center, directions)
    reach = 1.2 * max([abs(a) for a in projected["alpha"]] + [abs(b) for b in projected["beta"]] + [1e-12])
    return Plane(center, directions, chosen_range or (-reach, reach), explained=explained)


# ---- sampling -----------------------------------------------------------------------------------------
def sample_rows(problem: Problem, settings: dict[str, Any], seed: int) -> tuple[Any, Optional[torch.Tensor]]:
    """The training rows the grid is evaluated on: all of them, or analyses.landscape.samples of
    them drawn without replacement by the generator seeded seed + 1. Structured data: (a list of
    batches, None); batches that cannot be joined into one (a DataLoader padding each batch to its
    own length) are drawn whole, in the seeded order, the last one cut to the rows still wanted."""
    inputs, targets = problem.data("train")
    samples = settings.get("samples")
    if targets is None:
        listed = list(inputs)
        total = problem.rows("train")
        if samples is None or int(samples) >= total:
            return listed, None
        wanted = int(samples)
        generator = torch.Generator().manual_seed(seed + 1)
        whole = batches.cat(listed)
        if whole is not None:
            chosen = torch.randperm(total, generator=generator)[:wanted]
            size = problem.batch_size or max(batches.rows(b) for b in listed)
            return batches.split(batches.select(whole, chosen), size), None
        kept: list[Any] = []
        for k in torch.randperm(len(listed), generator=generator).tolist():
            if wanted <= 0:
                break
            batch = listed[k]
            count = batches.rows(batch)
            kept.append(batch if count <= wanted else batches.select(batch, slice(0, wanted)))
            wanted -= min(count, wanted)
        return kept, None
    if samples is not None and int(samples) < inputs.shape[0]:
        chosen = torch.randperm(inputs.shape[0], generator=torch.Generator().manual_seed(seed + 1))[: int(samples)].to(inputs.device)
        inputs, targets = inputs[chosen], targets[chosen]
    return inputs, targets


# ---- progress -----------------------------------------------------------------------------------------
class GridProgress:
    """The values as they come in: the grid's by refinement level (each finished level streamed as
    a partial result), then the path's, numbered from the grid's size; and the result they make."""

    def __init__(self, kind: str, plane: Plane, alphas: list[float], betas: list[float], rows: int, trajectory: Optional[dict[str, Any]], classification: bool,
                 progress: Callable[..., None], rate_note: Callable[[], str]) -> None:
        self.kind, self.plane, self.alphas, self.betas, self.rows, self.trajectory = kind, plane, alphas, betas, rows, trajectory
        self.progress, self.rate_note = progress, rate_note
        self.columns, self.grid_rows = len(alphas), len(betas)
        self.loss: list[Optional[float]] = [None] * (self.columns * self.grid_rows)
        self.accuracy: Optional[list[Optional[float]]] = [None] * len(self.loss) if classification else None
        # The path's points on the plane are evaluated after the grid, as points numbered from len(loss).
        self.path_points: list[tuple[int, float, float]] = (
            [(len(self.loss) + t, a, b) for t, (a, b) in enumerate(zip(trajectory["alpha"], trajectory["beta"]))] if trajectory else [])
        self.path_loss: list[Optional[float]] = [None] * len(self.path_points)
        self.levels = refinement_levels(self.columns, self.grid_rows)
        self.level_of: dict[int, int] = {}
        self.remaining: list[int] = []
        for number, (_, points) in enumerate(self.levels):
            for index in points:
                self.level_of[index] = number
            self.remaining.append(len(points))
        self.computed = 0
        self.next_level = 0

    def order(self) -> list[tuple[int, float, float]]:
        """Every point to evaluate, coarse levels first, then the path's."""
        return [(index, self.alphas[index % self.columns], self.betas[index // self.columns]) for _, points in self.levels for index in points] + self.path_points

    def describe(self, stride: int, complete: bool) -> dict[str, Any]:
        """The LandscapeResult of the grid's points at the given stride."""
        column_indices, row_indices, level_loss = subgrid(self.loss, self.columns, self.grid_rows, stride)
        plane = self.plane
        result: dict[str, Any] = {
            "directions": self.kind,
            "normalization": plane.normalization,
            "dimensions": len(plane.directions),
            "alphas": [self.alphas[i] for i in column_indices],
            "betas": [self.betas[j] for j in row_indices],
            "loss": [None if v is None or not math.isfinite(v) else v for v in level_loss],
            "samples": self.rows,
            "stride": stride,
            "complete": complete,
        }
        if self.accuracy is not None:
            result["accuracy"] = subgrid(self.accuracy, self.columns, self.grid_rows, stride)[2]
        if self.trajectory is not None:
            computed_path = any(v is not None for v in self.path_loss)
            result["trajectory"] = {**self.trajectory, "loss": [None if v is None or not math.isfinite(v) else v for v in self.path_loss]} if computed_path else self.trajectory
        if plane.explained is not None:
            result["explainedVariance"] = plane.explained
        if plane.eigenvalues is not None:
            result["eigenvalues"] = plane.eigenvalues
        return result

    def on_value(self, index: int, value: float, acc: Optional[float]) -> None:
        """One point's loss and accuracy; reports progress, and each level as it completes."""
        loss = self.loss
        if index >= len(loss):
            self.path_loss[index - len(loss)] = value
            return
        loss[index] = value
        if self.accuracy is not None:
            # An accuracy of a NaN output means nothing: null with its loss.
            self.accuracy[index] = acc if value is not None and math.isfinite(value) else None
        self.remaining[self.level_of[index]] -= 1
        self.computed += 1
        while self.next_level < len(self.levels) and self.remaining[self.next_level] == 0:
            stride = self.levels[self.next_level][0]
            level_alphas = len(subgrid(loss, self.columns, self.grid_rows, stride)[0])
            level_betas = 1 if self.grid_rows == 1 else len(subgrid(loss, self.columns, self.grid_rows, stride)[1])
            self.progress(self.computed / len(loss), f"landscape: {level_alphas}×{level_betas} grid", {"landscape": self.describe(stride, stride == 1)})
            self.next_level += 1
        if self.next_level < len(self.levels):
            self.progress(self.computed / len(loss), f"landscape: {self.computed} of {len(loss)} points{self.rate_note()}")

    def result(self, started: float) -> dict[str, Any]:
        """{"landscape", "warnings"?, "cancelled"?, "timings"} once the evaluation returned."""
        loss, path_loss = self.loss, self.path_loss
        complete = self.computed == len(loss)
        warnings = self.plane.notes + non_finite_warnings(loss, self.alphas, self.betas, path_loss)
        out: dict[str, Any] = {"landscape": self.describe(1, complete)}
        if not complete:
            out["cancelled"] = True
            warnings.insert(0, f"landscape cancelled: {self.computed} of {len(loss)} grid points computed, the rest are null")
        elif any(v is None for v in path_loss):
            out["cancelled"] = True
            warnings.append(f"landscape cancelled along the path: the loss at {sum(v is not None for v in path_loss)} of {len(path_loss)} of its points computed, the rest are null")
        if warnings:
            out["warnings"] = warnings
        out["timings"] = {"landscape": time.perf_counter() - started}
        return out


# ---- dispatch -----------------------------------------------------------------------------------------
def evaluate_grid(grid: GridProgress, plane: Plane, problem: Problem, config: dict[str, Any], loader: Loader, inputs: torch.Tensor, targets: torch.Tensor,
                  center: torch.Tensor, cancelled: Callable[[], bool], workers: Optional[int], cluster: Any) -> None:
    """Every point of the grid, then the path's, into grid.on_value: on the cluster's workers (grid
    rows and chunks of the path as tasks) when there is one, else in this process and its forked
    copies. The model's weights are ``center`` afterwards. A ClusterFailure is raised after the
    finished points went out as a partial result."""
    was_flat = center.clone()
    evaluator: Optional[PlaneEvaluator] = None
    try:
        if cluster is not None:
            from .cluster import ClusterFailure, row_tasks  # the cluster package only when there is one

            tasks = row_tasks(grid.levels, grid.columns, grid.grid_rows, grid.alphas, grid.betas, cluster.worker_count())
            tasks += [grid.path_points[start : start + PATH_TASK] for start in range(0, len(grid.path_points), PATH_TASK)]
            try:
                cluster.evaluate_plane(problem, loader, config, inputs, targets, plane.origin, plane.directions, tasks, grid.on_value, cancelled)
            except ClusterFailure:
                grid.progress(grid.computed / len(grid.loss), "landscape: the cluster failed; the finished points are kept", {"landscape": grid.describe(1, False)})
                raise
        else:
            order = grid.order()
            # Measuring the shortcuts costs a dozen evaluations: worth it on larger grids only.
            evaluator = PlaneEvaluator(problem, inputs, targets, plane.origin, plane.directions, optimize=len(order) >= MEASURED_GRID, log=log_to_stderr,
                                       buffer_line=plane.buffer_line)
            count = workers if workers is not None else worker_count(evaluator)
            evaluate_points(evaluator, order, grid.on_value, cancelled, count)
    finally:
        if evaluator is not None:
            evaluator.restore()
        problem.set_flat(was_flat)


def run_landscape(problem: Problem, config: dict[str, Any], loader: Loader, progress: Callable[..., None], cancelled: Callable[[], bool],
                  checkpoints: Optional[list[torch.Tensor]] = None, workers: Optional[int] = None, cluster: Any = None) -> dict[str, Any]:
    """{"landscape": LandscapeResult, "warnings"?: [...], "cancelled"?: True}. checkpoints: the
    training path (initial weights first) when the backend trained. cluster: a cluster.Cluster
    that evaluates the grid's rows on its workers."""
    settings = (config.get("analyses") or {}).get("landscape")
    if not isinstance(settings, dict):
        raise ConfigError("analyses.landscape is missing", FIELD)
    seed = int(config.get("seed", 0) or 0)
    started = time.perf_counter()
    kind = settings.get("directions", "random")
    dimensions = 1 if kind == "interpolation" else int(settings.get("dimensions", 2))
    if dimensions not in (1, 2):
        raise ConfigError(f"analyses.landscape.dimensions {dimensions}: use 1 or 2", FIELD + "/dimensions")
    chosen_range = _range(settings)
    center = problem.flat()
    trained = bool(checkpoints)
    path: list[torch.Tensor] = list(checkpoints or [])
    if not trained and settings.get("trajectory"):
        path = checkpoint_path(problem, loader, settings["trajectory"])

    try:
        plane = choose_plane(kind, dimensions, settings, chosen_range, problem, config, loader, center, path, trained, cluster, progress, cancelled)
    except Cancelled:  # while the Hessian's eigenvectors were computed
        problem.set_flat(center)
        return cancelled_before_grid(kind, dimensions, chosen_range or DEFAULT_RANGE, settings, problem)

    resolution = int(settings.get("resolution", DEFAULT_RESOLUTION))
    if resolution < 1:
        raise ConfigError(f"analyses.landscape.resolution {resolution}: use a whole number ≥ 1", FIELD + "/resolution")
    alphas = linspace(plane.plane_range[0], plane.plane_range[1], resolution)
    betas = list(alphas) if len(plane.directions) == 2 else [0.0]
    trajectory = project_trajectory(path, plane.origin, plane.directions) if path else None
    inputs, targets = sample_rows(problem, settings, seed)

    def rate_note() -> str:  # the cluster's workers and points per second, when there is one
        return cluster.rate_note() if cluster is not None else ""

    rows = sum(batches.rows(b) for b in inputs) if targets is None else int(inputs.shape[0])
    grid = GridProgress(kind, plane, alphas, betas, rows, trajectory, problem.classification, progress, rate_note)
    evaluate_grid(grid, plane, problem, config, loader, inputs, targets, center, cancelled, workers, cluster)
    return grid.result(started)
