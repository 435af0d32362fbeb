"""The problem every analysis works on: a torch model, its trainable parameters, a loss and a data set.

A Problem holds the whole data set on the device and evaluates it in batches of at most
``batch_size`` rows (memory), while every loss it reports is over the whole set:
for a mean loss, Σ batch_mean · batch_rows / rows; for a summed loss ("sse"), Σ batch_sum.
"""

from __future__ import annotations

from typing import Callable, Iterator, Optional

import torch

from .losses import LossFunction, builtin_loss


class Problem:
    """A model with its loss and data, as the landscape, Hessian and training code see it.

    Attributes:
        model: the module, on ``device`` in ``dtype``; eval() unless ``mode == "train"``.
        params: the trainable parameters, in ``model.named_parameters()`` order.
        names: their names.
        device, dtype: where the parameters live and their floating type.
        dimension: total number of trainable parameter entries.
        loss_name: the config's loss name ("softmax-cross-entropy", "mse", "sigmoid-bce", "sse",
            or "file.py:function").
        classification: True when accuracy is defined (integer labels, or softmax cross-entropy
            with more than one output).
        sum_loss: True when the loss sums over rows ("sse") instead of averaging.
        batch_size: rows per evaluation batch (None: the whole set at once).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        loss_fn: LossFunction,
        train: tuple[torch.Tensor, torch.Tensor],
        test: Optional[tuple[torch.Tensor, torch.Tensor]] = None,
        batch_size: Optional[int] = None,
        mode: str = "eval",
    ) -> None:
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
        self.dtype = self.params[0].dtype
        self.dimension = sum(p.numel() for p in self.params)
        self.loss_fn = loss_fn
        self.loss_name = loss_fn.name
        self.sum_loss = loss_fn.summed
        self.batch_size = batch_size if batch_size and batch_size > 0 else None
        self._data = {"train": train, "test": test if test is not None and test[0].shape[0] > 0 else None}
        targets = train[1]
        outputs = self._output_width()
        self.output_width = outputs
        self.labels = not torch.is_floating_point(targets)
        self.classification = self.labels or (self.loss_name == "softmax-cross-entropy" and outputs > 1)

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

    # ---- data ----------------------------------------------------------------------------------
    def has_split(self, split: str) -> bool:
        return self._data.get(split) is not None

    def data(self, split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
        pair = self._data.get(split)
        if pair is None:
            raise ValueError(f"no {split} data")
        return pair

    def rows(self, split: str = "train") -> int:
        pair = self._data.get(split)
        return 0 if pair is None else int(pair[0].shape[0])

    def batches(self, split: str = "train") -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(inputs, targets) slices of the split, each at most batch_size rows (views, on device)."""
        x, y = self.data(split)
        n = x.shape[0]
        step = self.batch_size or n
        for start in range(0, n, step):
            yield x[start : start + step], y[start : start + step]

    def batch_weight(self, batch_rows: int, split: str = "train") -> float:
        """Factor turning a batch's loss into its share of the whole-set loss: rows_b/rows, or 1 for sse."""
        return 1.0 if self.sum_loss else batch_rows / self.rows(split)

    # ---- losses --------------------------------------------------------------------------------
    def criterion(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The loss of one batch's output against its targets (a scalar tensor)."""
        return self.loss_fn(output, target)

    def batch_loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Loss of one batch as a set of its own (mean; for sse the batch's sum); graph kept.

        The whole-set loss is Σ batch_loss · batch_weight(rows of the batch).
        """
        return self.loss_fn(self.model(x), y)

    def batch_contribution(self, x: torch.Tensor, y: torch.Tensor, split: str = "train") -> torch.Tensor:
        """batch_loss · batch_weight: summing it over batches() gives the whole-set loss (graph kept)."""
        return self.batch_loss(x, y) * self.batch_weight(int(x.shape[0]), split)

    def loss(self, split: str = "train") -> float:
        """Whole-set loss of the current parameters, without gradients."""
        total = 0.0
        with torch.no_grad():
            for x, y in self.batches(split):
                total += float(self.loss_fn(self.model(x), y)) * self.batch_weight(int(x.shape[0]), split)
        return total

    def predicted_correct(self, output: torch.Tensor, target: torch.Tensor) -> int:
        """Rows whose prediction matches the label (argmax, or output > threshold for one output)."""
        if output.dim() == 1:
            output = output.unsqueeze(1)
        width = output.shape[1] if output.dim() > 1 else 1
        if width == 1:
            threshold = 0.0 if self.loss_name == "sigmoid-bce" else 0.5
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
        correct = 0
        with torch.no_grad():
            for x, y in self.batches(split):
                correct += self.predicted_correct(self.model(x), y)
        return correct / self.rows(split)

    def loss_and_accuracy(self, split: str = "train") -> tuple[float, Optional[float]]:
        """Both in one pass over the data."""
        total, correct = 0.0, 0
        with torch.no_grad():
            for x, y in self.batches(split):
                out = self.model(x)
                total += float(self.loss_fn(out, y)) * self.batch_weight(int(x.shape[0]), split)
                if self.classification:
                    correct += self.predicted_correct(out, y)
        return total, (correct / self.rows(split) if self.classification else None)

    def loss_and_grad(self) -> tuple[float, torch.Tensor]:
        """Whole-set training loss and its flat gradient (PyTorch's named_parameters layout)."""
        grads = [torch.zeros_like(p) for p in self.params]
        total = 0.0
        for x, y in self.batches("train"):
            value = self.batch_contribution(x, y)
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
        x, _ = self.data("train")
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                out = self.model(x[:2])
        finally:
            self.model.train(was_training)
        return int(out.reshape(out.shape[0], -1).shape[1]) if out.dim() > 1 else 1
