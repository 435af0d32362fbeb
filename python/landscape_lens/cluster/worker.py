"""What runs on a worker: the model rebuilt from the bundles once per content hash, and the tasks
(a grid row's points, a Hutchinson probe, an SLQ probe). Dask pickles these functions by name, so
a worker imports this module from the package the client uploads (client.package_zip)."""

from __future__ import annotations

import io
import os
import tempfile
import threading
from typing import Any, Optional

import torch

from ..hvp import Operator, RestrictedOperator
from ..tuning import set_threads, tune_malloc

Point = tuple[int, float, float]
"""(index, α, β): a point of the grid or of the path."""

_CACHE_LOCK = threading.RLock()
_PROBLEMS: dict[tuple[str, str, str], Any] = {}
_EVALUATORS: dict[tuple[str, str, str], Any] = {}
_CACHE_SIZE = 2


def _remember(cache: dict, key: Any, value: Any) -> Any:
    cache[key] = value
    while len(cache) > _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    return value


def _worker_device(wanted: str) -> torch.device:
    if wanted in ("auto", "cuda") or wanted.startswith("cuda:"):
        if torch.cuda.is_available():
            return torch.device("cuda" if wanted == "auto" else wanted)
    return torch.device("cpu")


def _worker_problem(model: dict[str, Any], data: dict[str, Any], purpose: str) -> Any:
    """The Problem a bundle describes, built once per (model hash, data hash, purpose) in this
    worker process: the landscape's evaluator may change its model's memory layout, so the
    Hessian's probes get a model of their own."""
    from .. import batches
    from ..loading import DTYPES, Loader, load_weights_only, make_batch_loss, make_loss
    from ..problem import Problem

    key = (model["hash"], data["hash"], purpose)
    tune_malloc()
    with _CACHE_LOCK:
        if key in _PROBLEMS:
            return _PROBLEMS[key]
        spec = model["spec"]
        folder = os.path.join(tempfile.gettempdir(), f"landscape-lens-{model['hash']}")
        for relative, content in model["sources"].items():
            path = os.path.join(folder, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if not os.path.exists(path):
                with open(path + ".part", "wb") as handle:
                    handle.write(content)
                os.replace(path + ".part", path)
        if spec["threads"]:
            set_threads(int(spec["threads"]))
        loader = Loader(folder)
        factory, reference = loader.function(spec["model"], "/model/pytorch")
        module = loader.call_factory(factory, reference, "model", spec.get("kwargs") or {}, spec["seed"])
        state = load_weights_only(io.BytesIO(model["state"]))
        device, dtype = _worker_device(spec["device"]), DTYPES[spec["dtype"]]
        module = module.to(device=device, dtype=dtype)  # before loading: float64 weights must not pass through float32
        module.load_state_dict(state)

        def place(x: torch.Tensor) -> torch.Tensor:
            x = x.to(device)
            return x.to(dtype) if torch.is_floating_point(x) else x

        batch_loss = make_batch_loss(loader, spec["batchLoss"]) if spec.get("batchLoss") else None
        train = [batches.to(b, device, dtype) for b in data["batches"]] if "batches" in data else (place(data["inputs"]), place(data["targets"]))
        problem = Problem(module, make_loss(loader, spec["loss"]), train, None, spec["batchSize"], spec["mode"], seed=spec["seed"],
                          batch_loss=batch_loss, loss_given=spec.get("lossGiven", True))
        return _remember(_PROBLEMS, key, problem)


def evaluate_points_task(model: dict[str, Any], data: dict[str, Any], plane: dict[str, Any], points: list[Point]) -> list[tuple[int, float, Optional[float]]]:
    """(index, loss, accuracy) at each point θ(α, β) = origin + α·d₁ + β·d₂: one grid row's points."""
    from ..plane import PlaneEvaluator

    problem = _worker_problem(model, data, "landscape")
    key = (model["hash"], data["hash"], plane["hash"])
    with _CACHE_LOCK:
        evaluator = _EVALUATORS.get(key)
        if evaluator is None:
            for previous in _EVALUATORS.values():  # one plane at a time: the model back as it was
                getattr(previous, "restore", lambda: None)()
            _EVALUATORS.clear()
            origin, *directions = plane["vectors"]
            evaluator = _EVALUATORS[key] = PlaneEvaluator(problem, *problem.data("train"), origin, directions)
        out = []
        for index, alpha, beta in points:
            loss, accuracy = evaluator.evaluate(alpha, beta)
            out.append((index, loss, accuracy))
        return out


def _worker_operator(model: dict[str, Any], data: dict[str, Any], point: dict[str, Any], operator: dict[str, Any]) -> Operator:
    from ..hvp import hessian_operator

    problem = _worker_problem(model, data, "hessian")
    problem.set_flat(point["vectors"][0].to(problem.device, problem.dtype))
    base = hessian_operator(problem, operator["method"], operator["step"], None, operator["products"])
    if operator.get("block") is not None:
        offset, length = operator["block"]
        return RestrictedOperator(base, offset, length)
    return base


def _probe_vector(state: torch.Tensor, operator: Operator) -> torch.Tensor:
    from ..eigensolvers import rademacher

    generator = torch.Generator()
    generator.set_state(state)
    return rademacher(operator.dim, generator, operator.device, operator.dtype)


def hutchinson_probe_task(model: dict[str, Any], data: dict[str, Any], point: dict[str, Any], operator: dict[str, Any], state: torch.Tensor) -> float:
    """zᵀHz for the Rademacher z the generator state draws."""
    with _CACHE_LOCK:
        op = _worker_operator(model, data, point, operator)
        z = _probe_vector(state, op)
        return float(torch.dot(z, op.apply(z)))


def slq_probe_task(model: dict[str, Any], data: dict[str, Any], point: dict[str, Any], operator: dict[str, Any], state: torch.Tensor, steps: int) -> tuple[list[float], list[float], int]:
    """One stochastic Lanczos quadrature probe: nodes, weights and the products it took."""
    from ..spectrum import lanczos_quadrature

    with _CACHE_LOCK:
        op = _worker_operator(model, data, point, operator)
        start = _probe_vector(state, op)
        before = op.products
        nodes, weights = lanczos_quadrature(op, start, steps)
        return nodes, weights, op.products - before


def warm_worker() -> str:
    """Imports what the tasks need, so the first row does not pay for it."""
    from .. import plane, spectrum  # noqa: F401

    tune_malloc()
    return torch.__version__


def ignore_interrupts() -> bool:
    """A local cluster's worker process ignores SIGINT, as the backend does: Ctrl+C in a terminal
    reaches the whole process group, and the backend stops the work through the cancel instead
    (a worker dying on the signal would lose its row). Runs on the worker's main thread."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return True
