"""`training` on a torch model, as the engine's src/core/nn/train.ts: full batch (one step per
epoch on the whole-set gradient) or shuffled mini-batches, a torch.optim optimizer under the
engine's names, the engine's per-step schedules, the gradient-norm saddle detector with its
learning-rate boost, early stopping, the plateau analysis at the end, and a Hessian analysis every
N epochs and at detector events (analyses.hessian.every).

Steps run the model in train mode (BatchNorm batch statistics, Dropout on), as a torch training
loop does; the losses and accuracies recorded after each epoch use the analysis mode
(model.mode, evaluation by default), as every analysis does.
"""

from __future__ import annotations

import math
import os
import time
from typing import Callable, Iterator, Optional

import torch

from . import batches
from . import hessian as hessian_analysis
from .detect import EarlyStopping, SaddleDetector, loss_range, plateau_message, plateaus
from .eigensolvers import seeded
from .errors import ConfigError
from .hvp import Cancelled, DoubleBackpropOperator, dense_matrix
from .save_weights import SaveWeightsError, check_target, save_weights
from .optim import NewtonMethod, create_optimizer, resolve_optimizer, scheduled_learning_rate, set_learning_rate

PROGRESS_INTERVAL = 0.25
DETECTOR_DEFAULTS = {"threshold": 1e-4, "window": 5, "boost": 2, "plateauThreshold": 1e-3}


def resolve_training(config: dict) -> dict:
    """The training options of a whole config with the engine's defaults: 10 epochs, full batch, shuffle, sgd lr 0.01, detector on."""
    training = dict(config.get("training") or {})
    detector = training.get("detector")
    return {
        "epochs": int(training.get("epochs", 10)),
        "batchSize": int(training.get("batchSize", 0) or 0),
        "shuffle": bool(training.get("shuffle", True)),
        "optimizer": resolve_optimizer(training.get("optimizer")),
        "detector": None if detector is False else {**DETECTOR_DEFAULTS, **(detector or {})},
        "earlyStopping": training.get("earlyStopping"),
        "seed": int(config.get("seed", 0) or 0),
    }


def describe_model(problem) -> dict:
    """The TrainingResult's model: Linear widths when the trainable modules are a chain of Linear layers, the parameter-free leaves as activations."""
    leaves = [m for m in problem.model.modules() if not list(m.children())]
    linear = [m for m in leaves if isinstance(m, torch.nn.Linear)]
    trainable = [m for m in leaves if any(p.requires_grad for p in m.parameters(recurse=False))]
    layers = [linear[0].in_features] + [m.out_features for m in linear] if linear and len(linear) == len(trainable) else []
    activations = [type(m).__name__.lower() for m in leaves if not list(m.parameters(recurse=False))]
    bias = any(getattr(m, "bias", None) is not None for m in trainable)
    return {"layers": layers, "activations": activations, "loss": problem.loss_name, "bias": bias, "parameters": problem.dimension}


def describe_data(problem) -> dict:
    data = {"name": "pytorch", "trainRows": problem.rows("train"), "testRows": problem.rows("test"), "features": int(math.prod(problem.input_shape()))}
    if problem.classification:
        data["classes"] = problem.output_width if problem.output_width > 1 else 2
    return data


class _Run:
    """One training run's state: the optimizer, the detectors and the result growing in place."""

    def __init__(self, problem, config: dict, progress, cancelled, hessian_every: Optional[int]) -> None:
        self.problem = problem
        self.options = resolve_training(config)
        self.progress = progress
        self.cancelled = cancelled
        self.generator = seeded(self.options["seed"] + 2)
        self.optimizer = create_optimizer(self.options["optimizer"], problem.params, self.generator)
        detector = self.options["detector"]
        self.detector = SaddleDetector(detector["threshold"], detector["window"]) if detector else None
        stopping = self.options["earlyStopping"]
        self.stopper = EarlyStopping(int(stopping["patience"]), float(stopping.get("minDelta", 0))) if stopping else None
        rows = problem.rows("train")
        self.full_batch = self.options["batchSize"] <= 0 or self.options["batchSize"] >= rows
        self.batch_size = rows if self.full_batch else self.options["batchSize"]
        self.steps = 0
        self._joined: Optional[tuple] = None
        self.saddle = False
        self.result = {
            "model": describe_model(problem),
            "data": describe_data(problem),
            "optimizer": self.options["optimizer"]["label"],
            "batchSize": self.batch_size,
            "history": [],
            "events": [],
            "status": "completed",
        }
        settings = hessian_analysis.hessian_settings(config)
        asked = "hessian" in (config.get("analyses") or {}) or hessian_every is not None
        if asked:
            hessian_analysis.check_settings(settings)
        self.hessian_settings = hessian_analysis.quick_settings(settings) if asked else None
        self.hessian_every = hessian_every if hessian_every is not None else settings.get("every")
        self.hessian_history: list[dict] = []
        self.event_pending = False
        self.warnings: list[str] = []

    def event(self, entry: dict) -> None:
        self.result["events"].append(entry)
        if entry["kind"] == "detected":
            self.event_pending = True

    def rate(self) -> float:
        boost = self.options["detector"]["boost"] if self.saddle else 1
        return scheduled_learning_rate(self.options["optimizer"]["schedule"], self.options["optimizer"]["lr"], self.steps) * boost

    def _train_mode(self) -> None:
        self.problem.model.train()
        self.problem.fresh_masks = True  # steps draw new Dropout masks, as a torch training loop does

    def _analysis_mode(self) -> None:
        self.problem.model.train(getattr(self.problem, "mode", "eval") == "train")
        self.problem.fresh_masks = False

    def _flat_grad(self) -> torch.Tensor:
        return torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1) for p in self.problem.params])

    def full_batch_epoch(self) -> tuple[float, float]:
        """One step on the whole-set gradient (accumulated over evaluation batches); the detector sees this step's gradient first."""
        problem = self.problem
        self.optimizer.zero_grad(set_to_none=False)
        self._train_mode()
        for batch in problem.batches("train"):
            if self.cancelled():
                raise Cancelled()
            problem.batch_contribution(batch).backward()
        gradient_norm = float(torch.linalg.vector_norm(self._flat_grad()))
        self.saddle = self.detector.update(gradient_norm) if self.detector else False
        rate = self.rate()
        set_learning_rate(self.optimizer, rate)
        self.steps += 1
        self.optimizer.step(self._closure(list(problem.batches("train")), weighted=True))
        return gradient_norm, rate

    def _closure(self, pairs: list, weighted: bool):
        """Re-evaluates the gradient of these batches at the current weights (perturbed-gd's perturbation):
        the whole-set loss (weighted) or one mini-batch's loss; for Newton methods, their dense Hessian."""
        if isinstance(self.optimizer, NewtonMethod):
            view = self.problem if weighted else _BatchView(self.problem, pairs[0])
            return lambda: dense_matrix(DoubleBackpropOperator(view, self.cancelled))

        def closure():
            self.optimizer.zero_grad(set_to_none=False)
            total = 0.0
            for batch in pairs:
                value = self.problem.batch_contribution(batch) if weighted else self.problem.batch_loss(batch)
                value.backward()
                total += float(value.detach())
            return total

        return closure

    def _mini_batches(self) -> Iterator:
        """The epoch's mini-batches: training.batchSize rows drawn in a shuffled order (or in order)
        from the whole set; for structured data whose batches cannot be joined into one (a
        DataLoader padding each batch to its own length), its batches in a shuffled order."""
        problem = self.problem
        rows = problem.rows("train")
        order = torch.randperm(rows, generator=self.generator) if self.options["shuffle"] else torch.arange(rows)
        if not problem.structured:
            x_all, y_all = problem.data("train")
            order = order.to(x_all.device)
            for index in order.split(self.batch_size):
                yield x_all[index], y_all[index]
            return
        if self._joined is None:
            listed = list(problem.batches("train"))
            self._joined = (batches.cat(listed), listed)
        whole, listed = self._joined
        if whole is None:
            count = len(listed)
            turn = torch.randperm(count, generator=self.generator) if self.options["shuffle"] else torch.arange(count)
            for k in turn:
                yield listed[int(k)]
            return
        for index in order.split(self.batch_size):
            yield batches.select(whole, index)

    def mini_batch_epoch(self) -> tuple[float, float]:
        """Shuffled mini-batches; the gradient norm is that of the mean of the epoch's mini-batch gradients."""
        problem = self.problem
        epoch_gradient = torch.zeros(problem.dimension, device=problem.device, dtype=problem.dtype)
        rate = 0.0
        self._train_mode()
        for batch in self._mini_batches():
            if self.cancelled():
                raise Cancelled()
            self.optimizer.zero_grad(set_to_none=False)
            problem.batch_loss(batch).backward()
            epoch_gradient += self._flat_grad() * problem.batch_weight(batches.rows(batch))
            rate = self.rate()
            set_learning_rate(self.optimizer, rate)
            self.steps += 1
            self.optimizer.step(self._closure([batch], weighted=False))
        gradient_norm = float(torch.linalg.vector_norm(epoch_gradient))
        self.saddle = self.detector.update(gradient_norm) if self.detector else False
        return gradient_norm, rate

    def announce_saddle(self, epoch: int, rate: float) -> None:
        detector = self.options["detector"]
        self.event({"epoch": epoch, "kind": "detected", "message": f"saddle point suspected at epoch {epoch}: gradient norm below {detector['threshold']} for {detector['window']} epochs"})
        if detector["boost"] != 1:
            when = f"now {rate}" if self.full_batch else "from the next epoch"
            self.event({"epoch": epoch, "kind": "boosted", "message": f"learning rate ×{detector['boost']} ({when}) while the detector holds"})

    def record(self, epoch: int, gradient_norm: float, rate: float, started: float) -> dict:
        self._analysis_mode()
        loss, accuracy = self.problem.loss_and_accuracy("train")
        entry = {"epoch": epoch, "loss": loss, "gradientNorm": gradient_norm, "learningRate": rate}
        if self.problem.has_split("test"):
            test_loss, test_accuracy = self.problem.loss_and_accuracy("test")
            entry["testLoss"] = test_loss
        else:
            test_accuracy = None
        if accuracy is not None:
            entry["trainAccuracy"] = accuracy
        if test_accuracy is not None:
            entry["testAccuracy"] = test_accuracy
        entry["seconds"] = time.perf_counter() - started
        if self.saddle:
            entry["saddle"] = True
        return entry

    def hessian_at(self, epoch: int) -> None:
        """A quick analysis every N epochs and at the epoch after a detector event, into the history."""
        if self.hessian_settings is None:
            return
        every = self.hessian_every
        due = every is not None and every > 0 and epoch % every == 0
        if not due and not self.event_pending:
            return
        reason = "event" if self.event_pending else "every"
        self.event_pending = False
        self._analysis_mode()
        try:
            analysis, _ = hessian_analysis.analyze(self.problem, self.hessian_settings, self.options["seed"], self.cancelled)
        except Cancelled:
            raise
        except (ValueError, RuntimeError) as caught:
            self.warnings.append(f"Hessian analysis at epoch {epoch}: {caught}")
            return
        self.hessian_history.append(hessian_analysis.history_entry(epoch, reason, analysis))


class _BatchView:
    """One mini-batch as a problem of its own (for the Newton methods' Hessian of the batch loss)."""

    def __init__(self, problem, batch) -> None:
        self.problem = problem
        self.batch = batch
        self.params = problem.params
        self.dimension = problem.dimension
        self.device = problem.device
        self.dtype = problem.dtype
        self.batch_size = None

    def rows(self, split: str = "train") -> int:
        return batches.rows(self.batch)

    def batches(self, split: str = "train"):
        yield self.batch

    def batch_contribution(self, batch, split: str = "train") -> torch.Tensor:
        return self.problem.batch_loss(batch)

    def unflatten(self, v: torch.Tensor) -> list[torch.Tensor]:
        return self.problem.unflatten(v)


def run_training(problem, config: dict, progress: Callable[..., None], cancelled: Callable[[], bool], hessian_every: Optional[int] = None) -> dict:
    """The `train` request. Returns {"training": TrainingResult, "hessianHistory": [...], "checkpoints":
    [the initial flat weights, then one per finished epoch]} (and "cancelled": True when cancelled)."""
    save_path = (config.get("training") or {}).get("saveWeights")
    loaded_from = (config.get("model") or {}).get("weights")
    if save_path:
        # Before any epoch: a path the weights may not be written to fails now, with nothing lost.
        try:
            check_target(save_path, os.getcwd(), loaded_from)
        except SaveWeightsError as caught:
            raise ConfigError(str(caught), SaveWeightsError.field) from caught
    run = _Run(problem, config, progress, cancelled, hessian_every)
    result = run.result
    checkpoints = [problem.flat()]
    epochs = run.options["epochs"]
    last_report = -math.inf
    try:
        for epoch in range(1, epochs + 1):
            if cancelled():
                raise Cancelled()
            started = time.perf_counter()
            was_saddle = run.saddle
            gradient_norm, rate = run.full_batch_epoch() if run.full_batch else run.mini_batch_epoch()
            entry = run.record(epoch, gradient_norm, rate, started)
            result["history"].append(entry)
            if run.saddle and not was_saddle:
                run.announce_saddle(epoch, rate)
            checkpoints.append(problem.flat())
            if not math.isfinite(entry["loss"]) or not math.isfinite(gradient_norm):
                result["status"] = f"diverged at epoch {epoch}"
                run.event({"epoch": epoch, "kind": "diverged", "message": f"the loss became {entry['loss']} at epoch {epoch}: lower the learning rate"})
            now = time.perf_counter()
            if now - last_report >= PROGRESS_INTERVAL or epoch == epochs or result["status"] != "completed":
                last_report = now
                message = f"epoch {epoch}/{epochs}: loss {entry['loss']:.4g}"
                accuracy = entry.get("testAccuracy", entry.get("trainAccuracy"))
                if accuracy is not None:
                    message += f", accuracy {100 * accuracy:.1f}%"
                progress(epoch / epochs, message, {"training": _snapshot(result)})
            run.hessian_at(epoch)
            if result["status"] != "completed":
                break
            if run.stopper is not None and run.stopper.update(entry["loss"]):
                result["status"] = "early-stopped"
                run.event({"epoch": epoch, "kind": "stopped", "message": f"early stop at epoch {epoch}: no loss improvement for {run.stopper.patience} epochs"})
                break
    except Cancelled:
        result["status"] = "cancelled"
    finally:
        run._analysis_mode()
    detector = run.options["detector"]
    # A diverged run's blow-up sets the loss's range, under which everything before it would look
    # flat: its story is the divergence, and it gets no plateau analysis (as the engine).
    if detector and not result["status"].startswith("diverged"):
        losses = [r["loss"] for r in result["history"]]
        for start, end in plateaus(losses, detector["plateauThreshold"], [r["epoch"] for r in result["history"]]):
            run.event({"epoch": start, "endEpoch": end, "kind": "plateau", "message": plateau_message(detector["plateauThreshold"], loss_range(losses), start, end)})
    if save_path:
        try:
            result["savedWeights"] = save_weights(problem.model, save_path, os.getcwd(), loaded_from, run.warnings)
        except (OSError, SaveWeightsError) as caught:
            run.warnings.append(f"training.saveWeights: {caught}")
    out: dict = {"training": result, "hessianHistory": run.hessian_history, "checkpoints": checkpoints}
    if result["status"] == "cancelled":
        out["cancelled"] = True
    if run.warnings:
        out["warnings"] = run.warnings
    return out


def _snapshot(result: dict) -> dict:
    """A copy of the result so far (the live one keeps growing)."""
    return {**result, "history": list(result["history"]), "events": list(result["events"])}
