"""The engine's loss functions (src/core/nn/losses.ts), mirrored exactly, and user losses.

- ``mse``: mean over rows and outputs of (y − t)² (torch's MSELoss).
- ``softmax-cross-entropy``: mean over rows of −Σⱼ tⱼ·log softmax(y)ⱼ; targets are class indices
  or one-hot/probability rows (torch's CrossEntropyLoss on logits).
- ``sigmoid-bce``: mean over rows and outputs of softplus(y) − t·y (torch's BCEWithLogitsLoss).
- ``sse``: ½·Σ (y − t)² summed over rows and outputs (not averaged).

Integer class targets given to mse, sigmoid-bce or sse are expanded to one-hot rows (one output:
the label itself as 0/1), as the engine's data sets store targets.
"""

from __future__ import annotations

from typing import Callable, Optional

import torch
import torch.nn.functional as F

LOSS_NAMES = ("mse", "softmax-cross-entropy", "sigmoid-bce", "sse")


def _as_rows(output: torch.Tensor) -> torch.Tensor:
    return output.reshape(output.shape[0], -1) if output.dim() != 1 else output.unsqueeze(1)


def _dense_targets(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Targets shaped and typed as the output; integer labels become one-hot rows."""
    y = _as_rows(output)
    if not torch.is_floating_point(target):
        labels = target.reshape(-1).long()
        if y.shape[1] == 1:
            return labels.to(y.dtype).unsqueeze(1)
        return F.one_hot(labels, y.shape[1]).to(y.dtype)
    return target.reshape(y.shape).to(y.dtype)


def mse(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    y = _as_rows(output)
    return F.mse_loss(y, _dense_targets(output, target))


def sse(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    y = _as_rows(output)
    return 0.5 * (y - _dense_targets(output, target)).pow(2).sum()


def sigmoid_bce(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    y = _as_rows(output)
    return F.binary_cross_entropy_with_logits(y, _dense_targets(output, target))


def softmax_cross_entropy(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    y = _as_rows(output)
    if not torch.is_floating_point(target):
        return F.cross_entropy(y, target.reshape(-1).long())
    t = target.reshape(y.shape).to(y.dtype)
    return -(t * F.log_softmax(y, dim=1)).sum(dim=1).mean()


_BUILTIN = {"mse": mse, "sse": sse, "sigmoid-bce": sigmoid_bce, "softmax-cross-entropy": softmax_cross_entropy}


class LossFunction:
    """A named loss: ``fn(output, target)`` → scalar tensor; ``summed`` when it sums over rows."""

    def __init__(self, name: str, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], summed: bool = False,
                 check: Optional[Callable[[torch.Tensor], None]] = None) -> None:
        self.name = name
        self.fn = fn
        self.summed = summed
        self.check = check

    def __call__(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        value = self.fn(output, target)
        if self.check is not None:
            self.check(value)
        return value


def builtin_loss(name: str) -> LossFunction:
    """The engine's loss of this name; ValueError for an unknown one."""
    if name not in _BUILTIN:
        raise ValueError(f'unknown loss "{name}": use one of {", ".join(LOSS_NAMES)} or "file.py:function"')
    return LossFunction(name, _BUILTIN[name], summed=(name == "sse"))
