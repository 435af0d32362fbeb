"""The problem every analysis works on: a torch model, its trainable parameters, a loss and a data set.

A Problem holds the whole data set on the device and evaluates it in batches of at most
``batch_size`` rows (memory), while every loss it reports is over the whole set:
for a mean loss, Σ batch_mean · batch_rows / rows; for a summed loss ("sse"), Σ batch_sum.

In model mode "train", Dropout draws a new mask at every forward, so the loss would be a different
function at every evaluation (every Hessian-vector product of a Lanczos run, every landscape point).
FixedMasks makes it one function: each forward of the model runs with torch's random generators
seeded from the config's seed and the batch, so a batch meets the same mask at every evaluation,
whatever the weights and whichever code evaluates it (a Hessian product, a landscape point, a
cluster worker).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any, Callable, Iterator, Optional, Union

import torch

from . import batches
from .batches import CUSTOM, DICT, PAIR, Batch, OutputError
from .losses import LossFunction, builtin_loss


def _keep_sequences_padded(model: torch.nn.Module) -> None:
    """Turns off the nested-tensor fast path of every TransformerEncoder in the model. Without
    gradients an eval-mode encoder given a padding mask runs on nested tensors: its output holds
    zeros at the padded positions (and on torch 1.13 is trimmed to the batch's longest row), where
    with gradients it holds the computed values at full length. The landscape and every
    evaluation run without gradients, the gradient and the Hessian with them: with the fast path
    they would see two different functions, and a model pooling with its mask would fail on a
    batch of padded rows only."""
    for module in model.modules():
        if isinstance(module, torch.nn.TransformerEncoder):
            module.enable_nested_tensor = False
            if hasattr(module, "use_nested_tensor"):  # newer torch reads this copy
                module.use_nested_tensor = False


batch_fingerprint = batches.fingerprint
"""A number that tells batches apart (batches.fingerprint: every tensor's shape and sampled entries)."""
FINGERPRINT_ELEMENTS = batches.FINGERPRINT_ELEMENTS


class FixedMasks:
    """Hooks on a model that run each forward in training mode under torch's random generators
    seeded with (seed · 1000003 + the batch's fingerprint) mod 2⁶³, and put the generators back
    afterwards: Dropout draws one mask per batch, the same at every evaluation, and the random
    numbers the rest of the program draws are those it would draw without the hooks. `fresh` turns
    the seeding off (training steps draw new masks, as a torch training loop does)."""

    def __init__(self, model: torch.nn.Module, seed: int, device: torch.device) -> None:
        self.seed = int(seed)
        self.fresh = False
        self._cuda = [device.index if device.index is not None else torch.cuda.current_device()] if device.type == "cuda" else []
        self._saved: Optional[tuple[torch.Tensor, list[torch.Tensor]]] = None
        self.key: Optional[int] = None
        """While set, the fingerprint forwards run under (a structured batch's, hashed whole by the
        Problem: a forward hook does not see the keyword arguments of model(**batch))."""
        self._handles = [model.register_forward_pre_hook(self._before), model.register_forward_hook(self._after)]

    def seed_for(self, inputs: Any) -> int:
        """The seed a batch's forward runs under."""
        return (self.seed * 1_000_003 + batch_fingerprint(inputs)) % 2**63

    def _before(self, module: torch.nn.Module, inputs: Any) -> None:
        self.recover()  # a forward that raised (its after-hook never ran) leaves the generators seeded
        if self.fresh or not module.training:
            return
        self._saved = (torch.get_rng_state(), [torch.cuda.get_rng_state(d) for d in self._cuda])
        torch.manual_seed(self.seed_for(inputs) if self.key is None else (self.seed * 1_000_003 + self.key) % 2**63)

    def _after(self, module: torch.nn.Module, inputs: Any, output: Any) -> None:
        self.recover()

    def recover(self) -> None:
        """Puts the generators back as they were before the last seeded forward."""
        if self._saved is None:
            return
        cpu, cuda = self._saved
        self._saved = None
        torch.set_rng_state(cpu)
        for device, state in zip(self._cuda, cuda):
            torch.cuda.set_rng_state(state, device)

    def remove(self) -> None:
        self.recover()
        for handle in self._handles:
            handle.remove()


class Problem:
    """A model with its loss and data, as the landscape, Hessian and training code see it.

    The data of a split is either two tensors (inputs, targets), evaluated in slices of at most
    ``batch_size`` rows, or, when the data is structured (tuple or dict inputs, dict batches, a
    DataLoader), a list of batches of any structure (batches.py), evaluated as they are. Every
    loss reported is over the whole split: batches weighted by their rows.

    Attributes:
        model: the module, on ``device`` in ``dtype``; eval() unless ``mode == "train"``.
        params: the trainable parameters, in ``model.named_parameters()`` order.
        names: their names.
        device, dtype: where the parameters live and their floating type.
        dimension: total number of trainable parameter entries.
        loss_name: the config's loss name ("softmax-cross-entropy", "mse", "sigmoid-bce", "sse",
            or "file.py:function"), model.batchLoss's reference, or "output loss" (dict batches).
        classification: True when accuracy is defined (integer labels, or softmax cross-entropy
            with more than one output).
        sum_loss: True when the loss sums over rows ("sse") instead of averaging.
        batch_size: rows per evaluation batch (None: the whole set at once).
        masks: in mode "train", the FixedMasks on the model (seeded by ``seed``); None in "eval".
        structured: True when the splits are lists of batches rather than two tensors.
        plain: True for two tensors evaluated as loss(model(inputs), targets): the fast paths that
            need one input tensor (the plane's first layer precomputed, chunked evaluation) apply.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        loss_fn: LossFunction,
        train: Union[tuple[torch.Tensor, torch.Tensor], list[Batch]],
        test: Union[tuple[torch.Tensor, torch.Tensor], list[Batch], None] = None,
        batch_size: Optional[int] = None,
        mode: str = "eval",
        seed: int = 0,
        batch_loss: Optional[LossFunction] = None,
        loss_given: bool = True,
    ) -> None:
        """train, test: (inputs, targets) tensors, or lists of batches. batch_loss: model.batchLoss,
        called as batch_loss(model, batch). loss_given: False when the config named no model.loss
        (a dict batch then reads the loss from the model's output)."""
        self.model = model
        self.mode = mode
        if mode == "train":
            model.train()
        else:
            model.eval()
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        if not named:
            raise ValueError("the model has no trainable parameters")
        self.names = [n for n, _ in named]
        self.params = [p for _, p in named]
        self.device = self.params[0].device
        self.masks = FixedMasks(model, seed, self.device) if mode == "train" else None
        self.dtype = self.params[0].dtype
        self.dimension = sum(p.numel() for p in self.params)
        self.loss_fn = loss_fn
        self.custom = batch_loss
        self.loss_given = loss_given or batch_loss is not None
        self.structured = isinstance(train, list)
        self.plain = not self.structured and batch_loss is None
        self.batch_size = batch_size if batch_size and batch_size > 0 else None
        if self.structured:
            kept_test = test if isinstance(test, list) and test and batches.rows(test[0]) > 0 else None
            self._data: dict[str, Any] = {"train": train, "test": kept_test}
            self._rows = {split: sum(batches.rows(b) for b in data) for split, data in self._data.items() if data is not None}
            if not train or self._rows["train"] == 0:
                raise ValueError("the training data holds no rows")
        else:
            self._data = {"train": train, "test": test if test is not None and test[0].shape[0] > 0 else None}
            self._rows = {split: int(pair[0].shape[0]) for split, pair in self._data.items() if pair is not None}
        first = next(self.batches("train"))
        self.kind = batches.form(first, batch_loss is not None)
        if self.kind == CUSTOM:
            self.loss_name, self.sum_loss = batch_loss.name, False
        elif self.kind == DICT:
            self.loss_name, self.sum_loss = "output loss", False
        else:
            self.loss_name, self.sum_loss = loss_fn.name, loss_fn.summed
        _keep_sequences_padded(model)
        outputs, target, correct = self._probe()
        self.output_width = outputs
        self.labels = target is not None and not torch.is_floating_point(target)
        self.classification = correct and (self.labels or (self.loss_name == "softmax-cross-entropy" and outputs > 1))

    # ---- construction for tests and small scripts ---------------------------------------------
    @classmethod
    def from_module(
        cls,
        module: torch.nn.Module,
        inputs: torch.Tensor,
        targets: torch.Tensor,
        loss_name: str = "mse",
        batch_size: Optional[int] = None,
        test: Optional[tuple[torch.Tensor, torch.Tensor]] = None,
        mode: str = "eval",
        loss_fn: Optional[Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = None,
    ) -> "Problem":
        """A problem on in-memory tensors; the data move to the module's device and dtype."""
        first = next(module.parameters())
        device, dtype = first.device, first.dtype

        def place(x: torch.Tensor) -> torch.Tensor:
            x = x.to(device)
            return x.to(dtype) if torch.is_floating_point(x) else x

        fn = LossFunction(loss_name, loss_fn, summed=False) if loss_fn is not None else builtin_loss(loss_name)
        test_pair = (place(test[0]), place(test[1])) if test is not None else None
        return cls(module, fn, (place(inputs), place(targets)), test_pair, batch_size, mode)

    @classmethod
    def from_batches(
        cls,
        module: torch.nn.Module,
        train: list[Batch],
        test: Optional[list[Batch]] = None,
        loss_name: Optional[str] = None,
        batch_loss: Optional[Callable[[torch.nn.Module, Batch], torch.Tensor]] = None,
        mode: str = "eval",
        seed: int = 0,
    ) -> "Problem":
        """A problem on lists of batches of any structure (moved to the module's device and dtype);
        loss_name None with dict batches reads the loss from the model's output."""
        first = next(module.parameters())
        device, dtype = first.device, first.dtype
        place = [batches.to(b, device, dtype) for b in train]
        held = [batches.to(b, device, dtype) for b in test] if test else None
        custom = LossFunction("batchLoss", batch_loss) if batch_loss is not None else None
        return cls(module, builtin_loss(loss_name or "mse"), place, held, None, mode, seed, batch_loss=custom, loss_given=loss_name is not None)

    # ---- data ----------------------------------------------------------------------------------
    def has_split(self, split: str) -> bool:
        return self._data.get(split) is not None

    def data(self, split: str = "train") -> tuple[Any, Optional[torch.Tensor]]:
        """(inputs, targets) tensors; for structured data (the list of batches, None)."""
        data = self._data.get(split)
        if data is None:
            raise ValueError(f"no {split} data")
        return (data, None) if self.structured else data

    def rows(self, split: str = "train") -> int:
        return self._rows.get(split, 0) if self._data.get(split) is not None else 0

    def batches(self, split: str = "train") -> Iterator[Batch]:
        """The split's batches: (inputs, targets) slices of at most batch_size rows (views, on
        device), or the structured data's batches as they are."""
        data = self._data.get(split)
        if data is None:
            raise ValueError(f"no {split} data")
        if self.structured:
            yield from data
            return
        x, y = data
        n = x.shape[0]
        step = self.batch_size or n
        for start in range(0, n, step):
            yield x[start : start + step], y[start : start + step]

    def batch_weight(self, batch_rows: int, split: str = "train") -> float:
        """Factor turning a batch's loss into its share of the whole-set loss: rows_b/rows, or 1 for sse."""
        return 1.0 if self.sum_loss else batch_rows / self.rows(split)

    def input_shape(self) -> list[int]:
        """The shape of one row of the first input tensor (of the first training batch)."""
        first = next(self.batches("train"))
        inputs = first[0] if self.kind == PAIR else first
        tensor = batches.first_tensor(inputs)
        return list(tensor.shape[1:]) if tensor is not None else []

    def largest_label(self) -> Optional[int]:
        """The largest integer label of the training data, when it has labels."""
        if not self.labels:
            return None
        found = [batches.targets(b, self.kind) for b in self.batches("train")]
        values = [int(t.max()) for t in found if t is not None and t.numel() > 0]
        return max(values) if values else None

    # ---- random layers in training mode --------------------------------------------------------
    @property
    def fresh_masks(self) -> bool:
        """True while forwards draw new Dropout masks (training steps); False while every batch
        keeps its fixed mask (every analysis). Always True outside mode "train", where the
        analyses run Dropout in evaluation mode."""
        return self.masks is None or self.masks.fresh

    @fresh_masks.setter
    def fresh_masks(self, fresh: bool) -> None:
        if self.masks is not None:
            self.masks.recover()
            self.masks.fresh = bool(fresh)

    # ---- losses --------------------------------------------------------------------------------
    def criterion(self, output: Any, target: torch.Tensor) -> torch.Tensor:
        """The loss of one batch's output (a tensor, or its logits) against its targets (a scalar tensor)."""
        return self.loss_fn(batches.logits(output), target)

    @contextlib.contextmanager
    def _keyed(self, batch: Batch) -> Iterator[None]:
        """Forwards of a structured batch run under its fixed Dropout mask: the seed hashes every
        tensor of the batch (the keyword arguments of model(**batch) included)."""
        if self.masks is None or not self.structured or self.masks.fresh:
            yield
            return
        self.masks.key = batches.fingerprint(batch)
        try:
            yield
        finally:
            self.masks.key = None

    def forward(self, batch: Batch, model: Optional[Callable[..., Any]] = None) -> tuple[torch.Tensor, Any]:
        """(the batch's loss as a set of its own, the model's output or None under model.batchLoss),
        the graph kept; `model` replaces the model's forward (the plane's rewritten graph)."""
        model = model or self.model
        with self._keyed(batch):
            if self.kind == CUSTOM:
                value = self.custom(self.model, batch)  # type: ignore[misc]
                if not isinstance(value, torch.Tensor) or value.numel() != 1:
                    shown = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
                    raise OutputError(f"model.batchLoss {self.loss_name} returned {shown}: it must return the batch's mean loss as a scalar tensor (e.g. end with .mean())")
                return value.reshape(()), None
            if self.kind == DICT:
                if not isinstance(batch, Mapping):
                    raise OutputError(f"a batch of {batches.describe(batch)} among dict batches: every batch must have the same structure")
                if self.loss_given:
                    raise OutputError(f"model.loss {self.loss_name} takes (output, target), but the batches are dicts ({batches.describe(batch)}) without a target: "
                                      "leave model.loss out to read the loss from the model's output (model(**batch).loss), give items as (inputs, targets), "
                                      "or name model.batchLoss: \"file.py:function\" taking (model, batch)")
                output = model(**batch)
                return batches.output_loss(output), output
            inputs, target = batch
            output = batches.call(model, inputs)
            return self.loss_fn(batches.logits(output), target), output

    def batch_loss(self, batch: Batch, target: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Loss of one batch as a set of its own (mean; for sse the batch's sum); graph kept.
        Takes a batch, or (for two tensors) inputs and targets.

        The whole-set loss is Σ batch_loss · batch_weight(rows of the batch).
        """
        return self.forward((batch, target) if target is not None else batch)[0]

    def batch_contribution(self, batch: Batch, target: Optional[torch.Tensor] = None, split: str = "train") -> torch.Tensor:
        """batch_loss · batch_weight: summing it over batches() gives the whole-set loss (graph kept)."""
        batch = (batch, target) if target is not None else batch
        return self.batch_loss(batch) * self.batch_weight(batches.rows(batch), split)

    def loss(self, split: str = "train") -> float:
        """Whole-set loss of the current parameters, without gradients."""
        total = 0.0
        with torch.no_grad():
            for batch in self.batches(split):
                total += float(self.batch_loss(batch)) * self.batch_weight(batches.rows(batch), split)
        return total

    def predicted_correct(self, output: Any, target: torch.Tensor) -> int:
        """Rows whose prediction matches the label (argmax, or output > threshold for one output)."""
        output = batches.logits(output)
        if output.dim() == 1:
            output = output.unsqueeze(1)
        width = output.shape[1] if output.dim() > 1 else 1
        if width == 1:
            threshold = 0.0 if self.loss_name in ("sigmoid-bce", "output loss") else 0.5
            predicted = (output.reshape(-1) > threshold).long()
        else:
            predicted = output.reshape(output.shape[0], -1).argmax(dim=1)
        if self.labels:
            label = target.reshape(-1).long()
        else:
            label = target.reshape(target.shape[0], -1).argmax(dim=1)
        return int((predicted == label).sum())

    def accuracy(self, split: str = "train") -> Optional[float]:
        """Share of correctly classified rows, or None when the problem is not a classification."""
        if not self.classification or not self.has_split(split):
            return None
        return self.loss_and_accuracy(split)[1]

    def loss_and_accuracy(self, split: str = "train") -> tuple[float, Optional[float]]:
        """Both in one pass over the data."""
        total, correct = 0.0, 0
        with torch.no_grad():
            for batch in self.batches(split):
                value, out = self.forward(batch)
                total += float(value) * self.batch_weight(batches.rows(batch), split)
                if self.classification:
                    correct += self.predicted_correct(out, batches.targets(batch, self.kind))
        return total, (correct / self.rows(split) if self.classification else None)

    def loss_and_grad(self) -> tuple[float, torch.Tensor]:
        """Whole-set training loss and its flat gradient (PyTorch's named_parameters layout)."""
        grads = [torch.zeros_like(p) for p in self.params]
        total = 0.0
        for batch in self.batches("train"):
            value = self.batch_contribution(batch)
            parts = torch.autograd.grad(value, self.params, allow_unused=True)
            for g, part in zip(grads, parts):
                if part is not None:
                    g.add_(part)
            total += float(value.detach())
        return total, torch.cat([g.reshape(-1) for g in grads])

    # ---- parameters ----------------------------------------------------------------------------
    def flat(self) -> torch.Tensor:
        """The trainable parameters as one vector (a copy)."""
        return torch.cat([p.detach().reshape(-1) for p in self.params]).clone()

    def set_flat(self, v: torch.Tensor) -> None:
        """Writes a flat vector into the parameters, in place."""
        if v.numel() != self.dimension:
            raise ValueError(f"flat vector has {v.numel()} entries, the model {self.dimension}")
        offset = 0
        with torch.no_grad():
            for p in self.params:
                n = p.numel()
                p.copy_(v[offset : offset + n].view_as(p))
                offset += n

    def unflatten(self, v: torch.Tensor) -> list[torch.Tensor]:
        """Views of a flat vector shaped as each parameter."""
        out, offset = [], 0
        for p in self.params:
            n = p.numel()
            out.append(v[offset : offset + n].view_as(p))
            offset += n
        return out

    def offsets(self) -> list[tuple[str, int, int]]:
        """(parameter name, offset, length) of each trainable parameter in the flat vector."""
        out, offset = [], 0
        for name, p in zip(self.names, self.params):
            out.append((name, offset, p.numel()))
            offset += p.numel()
        return out

    def blocks(self) -> list[tuple[str, int, int]]:
        """(module name, offset, length): the trainable parameters each module owns directly
        (a layer's weight and bias) as one contiguous block, in flat order."""
        owner: dict[int, str] = {}
        for module_name, module in self.model.named_modules():
            for p in module.parameters(recurse=False):
                owner.setdefault(id(p), module_name)
        out: list[tuple[str, int, int]] = []
        for (_, offset, length), p in zip(self.offsets(), self.params):
            name = owner.get(id(p), "")
            if out and out[-1][0] == name and out[-1][1] + out[-1][2] == offset:
                out[-1] = (name, out[-1][1], out[-1][2] + length)
            else:
                out.append((name, offset, length))
        return out

    def bias_or_bn_mask(self) -> torch.Tensor:
        """Per flat entry: True for 1-D parameters (biases, BatchNorm and LayerNorm weights)."""
        parts = [torch.full((p.numel(),), p.dim() <= 1, dtype=torch.bool, device=self.device) for p in self.params]
        return torch.cat(parts)

    def _output_width(self) -> int:
        """The output's width per row, by the first probe (below)."""
        return self._probe()[0]

    def _probe(self) -> tuple[int, Optional[torch.Tensor], bool]:
        """The first probe of the model: the real forward and backward of the loss on one real
        batch (the first of batches("train")), with gradients on and in the model's mode, as the
        analyses run it. A probe on fewer rows, or without gradients, could take other paths than
        the analyses (torch 1.13's TransformerEncoder in eval mode takes its nested-tensor fast
        path without gradients and trims the sequence to the batch's longest row). The probe
        leaves nothing behind: buffers (BatchNorm's running statistics in train mode) are put back
        and the parameters' .grad is not touched.

        Returns (the output's width per row, the batch's targets where it has them, whether the
        accuracy can be read from the output and the targets)."""
        batch = next(self.batches("train"))
        buffers = [(buffer, buffer.detach().clone()) for buffer in self.model.buffers()]
        try:
            with torch.enable_grad():
                loss, out = self.forward(batch)
                if loss.requires_grad:
                    torch.autograd.grad(loss, self.params, allow_unused=True)
        finally:
            with torch.no_grad():
                for buffer, saved in buffers:
                    buffer.copy_(saved)
        target = batches.targets(batch, self.kind)
        try:
            logits = batches.logits(out) if out is not None else None
        except OutputError:
            if self.kind == PAIR:
                raise
            logits = None
        if logits is None:
            return 1, target, False
        width = int(logits.reshape(logits.shape[0], -1).shape[1]) if logits.dim() > 1 else 1
        readable = target is not None and target.dim() > 0 and logits.dim() > 0 and target.shape[0] == logits.shape[0]
        if readable and not torch.is_floating_point(target):
            readable = target.numel() == target.shape[0]  # one label per row (not per token)
        return width, target, readable
