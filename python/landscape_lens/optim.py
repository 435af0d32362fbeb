"""training.optimizer on a torch model: torch.optim under the engine's names and defaults
(src/core/optimizers/index.ts), the engine's schedules, and its two gradient methods torch lacks
(noisy and perturbed gradient descent) as torch.optim.Optimizer subclasses.
"""

from __future__ import annotations

import math
from typing import Callable, Optional

import torch

from .errors import ConfigError

# Defaults of every parameter as torch.optim documents them; the methods beyond torch use lr 0.1.
OPTIMIZER_DEFAULTS: dict[str, dict] = {
    "sgd": {"lr": 1e-3, "momentum": 0, "dampening": 0, "nesterov": False, "weight_decay": 0, "maximize": False},
    "adam": {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0, "amsgrad": False, "maximize": False},
    "adamw": {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False, "maximize": False},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0, "momentum": 0, "centered": False, "maximize": False},
    "adagrad": {"lr": 1e-2, "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0, "eps": 1e-10, "maximize": False},
    "noisy-gd": {"lr": 0.1, "noise": 0.01},
    "perturbed-gd": {"lr": 0.1, "radius": 0.1, "g_thres": 1e-3, "t_thres": 10},
    "newton": {"lr": 1, "damping": 0},
    "saddle-free-newton": {"lr": 1, "damping": 0},
}
SECOND_ORDER = ("newton", "saddle-free-newton")
# Newton methods build the dense Hessian (n products) at every step.
SECOND_ORDER_LIMIT = 3000
DEFAULT_OPTIMIZER = {"name": "sgd", "lr": 0.01}


class OptimizerError(ConfigError):
    """A training.optimizer the backend cannot run; ``field`` is the JSON pointer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)
        self.field = field


def resolve_optimizer(entry: Optional[dict]) -> dict:
    """{name, label, lr, schedule, parameters} with every parameter not given at its default."""
    entry = dict(entry or DEFAULT_OPTIMIZER)
    name = entry.get("name")
    if name not in OPTIMIZER_DEFAULTS:
        raise OptimizerError("/training/optimizer/name", f'training.optimizer.name "{name}" is not known: use one of {", ".join(OPTIMIZER_DEFAULTS)}')
    parameters = {key: entry.get(key, default) for key, default in OPTIMIZER_DEFAULTS[name].items()}
    if name == "sgd" and parameters["nesterov"] and (parameters["momentum"] <= 0 or parameters["dampening"] != 0):
        raise OptimizerError("/training/optimizer/nesterov", "training.optimizer.nesterov needs momentum > 0 and dampening 0 (as torch.optim.SGD)")
    label = entry.get("label") or describe(name, parameters)
    return {"name": name, "label": label, "lr": parameters["lr"], "schedule": entry.get("schedule") or {"kind": "constant"}, "parameters": parameters}


def describe(name: str, parameters: dict) -> str:
    """A short label such as "sgd (momentum 0.9)"."""
    if name == "sgd" and parameters.get("momentum"):
        return f"sgd (momentum {_number(parameters['momentum'])}{', nesterov' if parameters.get('nesterov') else ''})"
    return name


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def scheduled_learning_rate(schedule: dict, base: float, t: int) -> float:
    """Learning rate after t completed steps: constant; StepLR lr·γ^⌊t/s⌋; ExponentialLR lr·γᵗ;
    CosineAnnealingLR η_min + (lr − η_min)(1 + cos(π t/T_max))/2 (torch's closed forms, per step)."""
    kind = schedule.get("kind", "constant")
    if kind == "constant":
        return base
    if kind == "step":
        return base * schedule["gamma"] ** (t // schedule["step_size"])
    if kind == "exponential":
        return base * schedule["gamma"] ** t
    if kind == "cosine":
        return schedule["eta_min"] + (base - schedule["eta_min"]) * (1 + math.cos(math.pi * t / schedule["T_max"])) / 2
    raise OptimizerError("/training/optimizer/schedule/kind", f'schedule kind "{kind}" is not known: use "constant", "step", "exponential" or "cosine"')


class NoisyGradientDescent(torch.optim.Optimizer):
    """θ ← θ − lr·(∇L + σξ), ξ ~ N(0, I) from the run's seeded generator."""

    def __init__(self, params, lr: float, noise: float, generator: torch.Generator) -> None:
        super().__init__(params, {"lr": lr, "noise": noise})
        self.generator = generator

    @torch.no_grad()
    def step(self, closure: Optional[Callable] = None):  # type: ignore[override]
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                xi = torch.randn(p.shape, generator=self.generator, dtype=torch.float64).to(p.device, p.dtype)
                p.add_(p.grad + group["noise"] * xi, alpha=-group["lr"])
        return None


class PerturbedGradientDescent(torch.optim.Optimizer):
    """Perturbed gradient descent (Jin et al. 2017, Algorithm 2): when ‖∇L‖ ≤ g_thres and no
    perturbation in the last t_thres steps, θ ← θ + ξ, ξ uniform in the ball of the given radius,
    and the gradient is taken again there (closure); then θ ← θ − lr·∇L."""

    def __init__(self, params, lr: float, radius: float, g_thres: float, t_thres: float, generator: torch.Generator) -> None:
        super().__init__(params, {"lr": lr, "radius": radius, "g_thres": g_thres, "t_thres": t_thres})
        self.generator = generator
        self.steps = 0
        self.last_perturbation = -math.inf

    def _all(self) -> list[torch.Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def step(self, closure: Optional[Callable] = None):  # type: ignore[override]
        self.steps += 1
        group = self.param_groups[0]
        params = self._all()
        with torch.no_grad():
            norm = math.sqrt(sum(float((p.grad**2).sum()) for p in params if p.grad is not None))
        if norm <= group["g_thres"] and self.steps - self.last_perturbation > group["t_thres"] and closure is not None:
            count = sum(p.numel() for p in params)
            direction = torch.randn(count, generator=self.generator, dtype=torch.float64)
            scale = group["radius"] * float(torch.rand(1, generator=self.generator, dtype=torch.float64)) ** (1 / count)
            direction = direction * (scale / float(torch.linalg.vector_norm(direction)))
            offset = 0
            with torch.no_grad():
                for p in params:
                    p.add_(direction[offset : offset + p.numel()].view_as(p).to(p.device, p.dtype))
                    offset += p.numel()
            with torch.enable_grad():
                closure()
            self.last_perturbation = self.steps
        with torch.no_grad():
            for p in params:
                if p.grad is not None:
                    p.add_(p.grad, alpha=-group["lr"])
        return None


class NewtonMethod(torch.optim.Optimizer):
    """Damped Newton θ ← θ − lr·(H + λI)⁻¹∇L, or saddle-free Newton (Dauphin et al. 2014, eq. 13)
    θ ← θ − lr·(|H| + λI)⁻¹∇L with |H| = Q|Λ|Qᵀ, so negative-curvature directions are descended.
    ``step(closure)``: the closure returns the dense Hessian at the current weights; ∇L is in .grad."""

    def __init__(self, params, lr: float, damping: float, saddle_free: bool) -> None:
        super().__init__(params, {"lr": lr, "damping": damping})
        self.saddle_free = saddle_free

    @torch.no_grad()
    def step(self, closure: Optional[Callable] = None):  # type: ignore[override]
        if closure is None:
            raise RuntimeError("Newton methods need the closure that builds the Hessian")
        params = [p for group in self.param_groups for p in group["params"]]
        group = self.param_groups[0]
        with torch.enable_grad():
            hessian = closure()
        gradient = torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1) for p in params])
        eye = torch.eye(hessian.shape[0], device=hessian.device, dtype=hessian.dtype)
        if self.saddle_free:
            values, vectors = torch.linalg.eigh(hessian)
            curvature = values.abs() + group["damping"]
            projection = vectors.T @ gradient
            coefficients = torch.where(curvature > 0, projection / torch.where(curvature > 0, curvature, torch.ones_like(curvature)), torch.zeros_like(projection))
            direction = vectors @ coefficients
        else:
            direction = torch.linalg.solve(hessian + group["damping"] * eye, gradient)
        offset = 0
        for p in params:
            p.add_(direction[offset : offset + p.numel()].view_as(p), alpha=-group["lr"])
            offset += p.numel()
        return None


def create_optimizer(spec: dict, params: list[torch.Tensor], generator: torch.Generator) -> torch.optim.Optimizer:
    """A fresh torch optimizer for the parameters, from a resolved spec."""
    name, p = spec["name"], spec["parameters"]
    if name in SECOND_ORDER:
        dimension = sum(t.numel() for t in params)
        if dimension > SECOND_ORDER_LIMIT:
            raise OptimizerError(
                "/training/optimizer/name",
                f'training.optimizer.name "{name}" builds the dense Hessian of all {dimension} parameters at every step; '
                f"the PyTorch backend allows it up to {SECOND_ORDER_LIMIT}: use a first-order optimizer (sgd, adam, ...) for this model",
            )
        return NewtonMethod(params, p["lr"], p["damping"], name == "saddle-free-newton")
    if name == "sgd":
        return torch.optim.SGD(params, lr=p["lr"], momentum=p["momentum"], dampening=p["dampening"], weight_decay=p["weight_decay"], nesterov=p["nesterov"], maximize=p["maximize"])
    if name in ("adam", "adamw"):
        cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
        return cls(params, lr=p["lr"], betas=tuple(p["betas"]), eps=p["eps"], weight_decay=p["weight_decay"], amsgrad=p["amsgrad"], maximize=p["maximize"])
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=p["lr"], alpha=p["alpha"], eps=p["eps"], weight_decay=p["weight_decay"], momentum=p["momentum"], centered=p["centered"], maximize=p["maximize"])
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=p["lr"], lr_decay=p["lr_decay"], weight_decay=p["weight_decay"], initial_accumulator_value=p["initial_accumulator_value"], eps=p["eps"], maximize=p["maximize"])
    if name == "noisy-gd":
        return NoisyGradientDescent(params, p["lr"], p["noise"], generator)
    if name == "perturbed-gd":
        return PerturbedGradientDescent(params, p["lr"], p["radius"], p["g_thres"], p["t_thres"], generator)
    raise OptimizerError("/training/optimizer/name", f'training.optimizer.name "{name}" is not known')


def set_learning_rate(optimizer: torch.optim.Optimizer, rate: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = rate
