"""The loss (and accuracy) at points θ(α, β) = origin + α·d₁ + β·d₂ of a plane, fast.

Each point sets the weights in place and evaluates the data in batches under inference mode.
When the first parametrized layer the input meets is a Linear or a convolution, whose output is
linear in its weight and bias, its output at every point is
    f(X; W + αD₁ + βD₂) = f(X; W) + α·f(X; D₁) + β·f(X; D₂)
(f with the direction's weight and bias parts), so the three terms are computed once per batch
and each point replaces that layer by two scaled additions. The shortcut is kept only when it
reproduces the plain evaluation and measures faster.

Convolutional models on the CPU may also run in the channels-last memory layout, which is much
faster for some torch builds (Debian's torch 1.13: max-pooling and 3×3 convolutions several
times faster); the layout is kept only when it measures faster, and restore() puts the model back.
Then an exact rewrite of the model's graph (inference_graph.py: convolution + BatchNorm folded,
in-place ReLU, max-pooling by quarters) replaces the model when it agrees and measures faster.
"""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Any, Callable, Optional

import torch
import torch.nn.functional as F

from . import batches as batches_of
from .inference_graph import inference_graph
from .problem import Problem

LINEAR_LAYERS = (torch.nn.Linear, torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d)
CACHE_BUDGET_BYTES = 768 * 2**20
CHUNKS = (64, 128, 256)
"""Smaller evaluation chunks tried against the configured batch (model mode "eval" only)."""


def _inference() -> Any:
    return torch.inference_mode() if hasattr(torch, "inference_mode") else torch.no_grad()


class _Stop(Exception):
    pass


def _apply_layer(module: torch.nn.Module, x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
    if isinstance(module, torch.nn.Linear):
        return F.linear(x, weight, bias)
    return module._conv_forward(x, weight, bias)  # type: ignore[operator]


class FirstLayer:
    """The first parametrized layer's output at every batch, split into the three terms above."""

    def __init__(self, name: str, module: torch.nn.Module, terms: list[list[torch.Tensor]]) -> None:
        self.name = name
        self.module = module
        self.terms = terms  # per batch: [f(X; W), f(X; D₁), (f(X; D₂))]
        self.batch = 0
        self.alpha = 0.0
        self.beta = 0.0

    def output(self, *_: Any, **__: Any) -> torch.Tensor:
        terms = self.terms[self.batch]
        out = terms[0].add(terms[1], alpha=self.alpha)
        if len(terms) > 2:
            out.add_(terms[2], alpha=self.beta)
        return out

    @contextlib.contextmanager
    def installed(self):
        self.module.forward = self.output  # type: ignore[method-assign]
        try:
            yield
        finally:
            del self.module.forward


def find_first_layer(problem: Problem, batches: list[tuple[torch.Tensor, torch.Tensor]], origin: torch.Tensor,
                     directions: list[torch.Tensor]) -> Optional[FirstLayer]:
    """The first-layer terms, or None when the first parametrized module is not a Linear or a
    convolution, runs more than once per forward, or the terms would not fit the memory budget."""
    calls: list[tuple[str, torch.nn.Module]] = []
    owners = [(name, m) for name, m in problem.model.named_modules() if any(True for _ in m.parameters(recurse=False))]
    handles = [m.register_forward_pre_hook(lambda mod, inp, name=name: calls.append((name, mod))) for name, m in owners]
    try:
        with _inference():
            problem.model(batches[0][0][:2])
    finally:
        for h in handles:
            h.remove()
    if not calls:
        return None
    name, module = calls[0]
    if type(module) not in LINEAR_LAYERS or sum(1 for _, m in calls if m is module) != 1:
        return None
    place = {id(p): (offset, length) for (_, offset, length), p in zip(problem.offsets(), problem.params)}
    if id(module.weight) not in place or (module.bias is not None and id(module.bias) not in place):
        return None

    def parts(vector: torch.Tensor) -> tuple[torch.Tensor, Optional[torch.Tensor]]:
        o, n = place[id(module.weight)]
        weight = vector[o : o + n].view_as(module.weight)
        bias = None
        if module.bias is not None:
            o, n = place[id(module.bias)]
            bias = vector[o : o + n].view_as(module.bias)
        return weight, bias

    captured: list[torch.Tensor] = []

    def capture(mod: torch.nn.Module, inputs: tuple[torch.Tensor, ...]) -> None:
        captured.append(inputs[0])
        raise _Stop

    terms: list[list[torch.Tensor]] = []
    size = 0
    problem.set_flat(origin)
    handle = module.register_forward_pre_hook(capture)
    try:
        with _inference():
            for x, _ in batches:
                captured.clear()
                try:
                    problem.model(x)
                except _Stop:
                    pass
                if not captured:
                    return None
                inp = captured[0]
                batch_terms = [_apply_layer(module, inp, *parts(v)) for v in [origin, *directions]]
                size += sum(t.numel() * t.element_size() for t in batch_terms)
                if size > CACHE_BUDGET_BYTES:
                    return None
                terms.append(batch_terms)
    finally:
        handle.remove()
    return FirstLayer(name, module, terms)


class PlaneEvaluator:
    """Evaluates θ(α, β) on given data: loss as the problem defines it over the whole set, and
    accuracy for classifications."""

    def __init__(self, problem: Problem, inputs: Any, targets: Optional[torch.Tensor], origin: torch.Tensor,
                 directions: list[torch.Tensor], optimize: bool = True, log: Callable[[str], None] = lambda _m: None,
                 buffer_line: Optional[dict[str, tuple[torch.Tensor, torch.Tensor]]] = None) -> None:
        """buffer_line: on an interpolation line, {buffer name: (value at α = 0, value at α = 1)} of
        the model's floating-point buffers (BatchNorm's running mean and variance), set to
        (1 − α)·start + α·end at each point as the parameters are; restore() puts them back.

        inputs, targets: two tensors, or (structured data) a list of batches and None. The
        shortcuts that need one input tensor evaluated as loss(model(inputs), targets) (channels
        last, the rewritten graph, smaller chunks, the first layer precomputed) apply to plain
        problems only; other problems are evaluated batch by batch through Problem.forward."""
        self.problem = problem
        self.origin = origin.to(problem.device, problem.dtype)
        self.directions = [d.to(problem.device, problem.dtype) for d in directions]
        self._data = (inputs, targets)
        self.channels_last = False
        self.plain = problem.plain and targets is not None
        if targets is None:
            self.batches: list[Any] = list(inputs)
            self.rows = sum(batches_of.rows(b) for b in self.batches)
            self.chunk = 0
        else:
            self.chunk = problem.batch_size or int(inputs.shape[0])
            self.batches = self._split(self.chunk)
            self.rows = int(inputs.shape[0])
        self.first: Optional[FirstLayer] = None
        self.forward: Callable[[torch.Tensor], torch.Tensor] = problem.model
        self.rewrites: list[str] = []
        self._theta = torch.empty_like(self.origin)
        # In training mode BatchNorm updates its running statistics at every forward; they are put
        # back before each point so the grid does not depend on the order of its points.
        self._buffers = [(b, b.detach().clone()) for b in problem.model.buffers()] if problem.model.training else []
        named = dict(problem.model.named_buffers())
        self._buffer_line = [(named[name], start.to(named[name]), end.to(named[name]) - start.to(named[name])) for name, (start, end) in (buffer_line or {}).items()]
        self._buffers_before = [(b, b.detach().clone()) for b, _, _ in self._buffer_line]
        self.log = log
        if optimize and self.plain:
            self._try_channels_last()
            self._try_graph()
            self._try_chunk()
            self._try_first_layer()

    def _split(self, chunk: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """The data in chunks of `chunk` rows, in the layout chosen (channels-last or not)."""
        inputs, targets = self._data
        layout = torch.channels_last if self.channels_last else torch.contiguous_format
        batches = []
        for start in range(0, inputs.shape[0], chunk):
            x = inputs[start : start + chunk]
            batches.append((x.contiguous(memory_format=layout) if x.dim() == 4 else x, targets[start : start + chunk]))
        return batches

    def _try_chunk(self) -> None:
        """Keeps a smaller evaluation chunk than the configured batch when it agrees and measures
        faster. In inference the loss over the data does not depend on how the data is split (in
        the model's eval mode; in train mode BatchNorm's batch statistics do, so the batch stays),
        and chunks whose activations stay in the processor's caches run faster, the more so when
        other processes share those caches (the workers of a pool or of a cluster)."""
        configured = self.chunk
        candidates = [c for c in CHUNKS if 2 * c <= configured]
        if self.problem.model.training or self.problem.device.type != "cpu" or not candidates:
            return
        probe = self._probe()
        plain, plain_time = self._time(probe)
        tolerance = 1e-9 if self.problem.dtype == torch.float64 else 1e-4
        best, best_time, timings = configured, plain_time, []
        for chunk in candidates:
            self.batches = self._split(chunk)
            value, seconds = self._time(probe)
            timings.append(f"{chunk} {seconds * 1000:.1f} ms")
            if abs(value - plain) <= tolerance * max(1.0, abs(plain)) and seconds < 0.95 * best_time:
                best, best_time = chunk, seconds
        self.chunk = best
        self.batches = self._split(best)
        self.log(f"landscape: evaluation chunk {best} of {configured} rows (batch {configured} {plain_time * 1000:.1f} ms, {', '.join(timings)} per point)")

    def _try_graph(self) -> None:
        """Keeps the rewritten graph (inference_graph.py) when it agrees and measures faster."""
        traced, rewrites = inference_graph(self.problem.model)
        if traced is None:
            return
        probe = self._probe()
        try:
            plain, plain_time = self._time(probe)
            self.forward = traced
            value, fast_time = self._time(probe)
        except Exception as exc:  # a traced model that does not run: keep the model as it is
            self.forward = self.problem.model
            self.log(f"landscape: rewritten graph unavailable ({type(exc).__name__}: {exc})")
            return
        tolerance = 1e-9 if self.problem.dtype == torch.float64 else 1e-4
        agrees = abs(value - plain) <= tolerance * max(1.0, abs(plain))
        if agrees and fast_time < plain_time:
            self.rewrites = rewrites
        else:
            self.forward = self.problem.model
        self.log(f"landscape: graph rewrites ({', '.join(rewrites)}) {'kept' if self.rewrites else 'dropped'} "
                 f"(plain {plain_time * 1000:.1f} ms, rewritten {fast_time * 1000:.1f} ms per point{'' if agrees else ', values differ'})")

    def _time(self, probe: tuple[float, float], repeats: int = 2) -> tuple[float, float]:
        """(loss at the probe point, the best of `repeats` timings after a warm-up) in seconds:
        this thread's CPU time on the CPU (steady on a busy machine), else wall time."""
        clock = time.thread_time if self.problem.device.type == "cpu" else time.perf_counter
        value = self.evaluate(*probe)[0]
        best = float("inf")
        for _ in range(repeats):
            started = clock()
            self.evaluate(*probe)
            best = min(best, clock() - started)
        return value, best

    def _probe(self) -> tuple[float, float]:
        return (0.37, -0.61) if len(self.directions) > 1 else (0.37, 0.0)

    def _set_layout(self, channels_last: bool) -> None:
        layout = torch.channels_last if channels_last else torch.contiguous_format
        self.problem.model.to(memory_format=layout)
        self.channels_last = channels_last
        self.batches = self._split(self.chunk)

    def _try_channels_last(self) -> None:
        """Keeps the channels-last layout when the model has 2-D convolutions, runs on the CPU,
        agrees with the plain layout and measures faster."""
        model = self.problem.model
        if self.problem.device.type != "cpu" or self.batches[0][0].dim() != 4:
            return
        if not any(isinstance(m, torch.nn.Conv2d) for m in model.modules()):
            return
        probe = self._probe()
        try:
            plain, plain_time = self._time(probe)
            self._set_layout(True)
            value, fast_time = self._time(probe)
        except Exception as exc:  # a model that rejects the layout: keep the plain one
            self._set_layout(False)
            self.log(f"landscape: channels-last layout unavailable ({type(exc).__name__}: {exc})")
            return
        tolerance = 1e-9 if self.problem.dtype == torch.float64 else 1e-4
        agrees = abs(value - plain) <= tolerance * max(1.0, abs(plain))
        if not agrees or fast_time >= 0.95 * plain_time:
            self._set_layout(False)
        self.log(f"landscape: channels-last layout {'kept' if self.channels_last else 'dropped'} "
                 f"(plain {plain_time * 1000:.1f} ms, channels-last {fast_time * 1000:.1f} ms per point{'' if agrees else ', values differ'})")

    def _restore_buffers(self) -> None:
        with torch.no_grad():
            for buffer, saved in self._buffers:
                buffer.copy_(saved)

    def restore(self) -> None:
        """Puts the model back in the contiguous layout (after a channels-last run) and its buffers
        as they were (model.mode "train")."""
        if self.channels_last:
            self._set_layout(False)
        self._restore_buffers()
        with torch.no_grad():
            for buffer, saved in self._buffers_before:
                buffer.copy_(saved)

    def _try_first_layer(self) -> None:
        """Keeps the first-layer shortcut when it agrees with the plain evaluation and is faster."""
        try:
            first = find_first_layer(self.problem, self.batches, self.origin, self.directions)
        except Exception as exc:  # a model the hooks cannot follow: evaluate plainly
            self.log(f"landscape: first-layer shortcut unavailable ({type(exc).__name__}: {exc})")
            return
        if first is None or any(r.startswith(first.name + "+") for r in self.rewrites):
            return
        probe = self._probe()
        plain, plain_time = self._time(probe)
        self.first = first
        fast, fast_time = self._time(probe)
        tolerance = 1e-9 if self.problem.dtype == torch.float64 else 1e-4
        agrees = abs(fast - plain) <= tolerance * max(1.0, abs(plain))
        if not agrees or fast_time >= plain_time:
            self.first = None
        self.log(f"landscape: first layer {first.name} precomputed: {'kept' if self.first else 'dropped'} "
                 f"(plain {plain_time * 1000:.1f} ms, shortcut {fast_time * 1000:.1f} ms per point{'' if agrees else ', values differ'})")

    def evaluate(self, alpha: float, beta: float = 0.0) -> tuple[float, Optional[float]]:
        problem = self.problem
        if problem.model.training:  # model.mode "train": every point starts from the same buffers
            self._restore_buffers()
        if self._buffer_line:
            with torch.no_grad():
                for buffer, start, step in self._buffer_line:
                    torch.add(start, step, alpha=alpha, out=buffer)
        theta = torch.add(self.origin, self.directions[0], alpha=alpha, out=self._theta)
        if len(self.directions) > 1:
            theta.add_(self.directions[1], alpha=beta)
        problem.set_flat(theta)
        total = 0.0
        correct = 0
        first = self.first
        context = first.installed() if first is not None else contextlib.nullcontext()
        if first is not None:
            first.alpha, first.beta = alpha, beta
        if not self.plain:
            return self._evaluate_batches()
        with _inference(), context:
            for index, (x, y) in enumerate(self.batches):
                if first is not None:
                    first.batch = index
                out = self.forward(x)
                value = float(problem.criterion(out, y))
                total += value if problem.sum_loss else value * x.shape[0] / self.rows
                if problem.classification:
                    correct += problem.predicted_correct(out, y)
        return total, (correct / self.rows if problem.classification else None)

    def _evaluate_batches(self) -> tuple[float, Optional[float]]:
        """The loss and accuracy at the weights set, batch by batch through Problem.forward (any
        batch structure, model.batchLoss, outputs with logits)."""
        problem = self.problem
        total, correct = 0.0, 0
        with _inference():
            for batch in self.batches:
                value, out = problem.forward(batch)
                rows = batches_of.rows(batch)
                total += float(value) if problem.sum_loss else float(value) * rows / self.rows
                if problem.classification:
                    correct += problem.predicted_correct(out, batches_of.targets(batch, problem.kind))
        return total, (correct / self.rows if problem.classification else None)


def log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
