"""The gradient-norm saddle detector, the plateau analysis and early stopping, as the engine's
src/core/detect/saddle-detector.ts."""

from __future__ import annotations

import math
from typing import Optional, Sequence


class SaddleDetector:
    """A saddle (or flat region) is flagged when each of the last ``window`` gradient norms is below ``threshold``."""

    def __init__(self, threshold: float = 1e-4, window: int = 5) -> None:
        self.threshold = threshold
        self.window = window
        self.recent: list[float] = []

    def update(self, gradient_norm: float) -> bool:
        """Records ‖∇L‖; whether all of the last ``window`` norms are < threshold."""
        self.recent.append(gradient_norm)
        if len(self.recent) > self.window:
            self.recent.pop(0)
        return len(self.recent) == self.window and all(norm < self.threshold for norm in self.recent)


def loss_range(losses: Sequence[float]) -> float:
    """max − min of the finite values (0 when none is finite): the scale plateaus are measured against."""
    finite = [value for value in losses if math.isfinite(value)]
    return max(finite) - min(finite) if finite else 0.0


def plateaus(losses: Sequence[float], threshold: float, epochs: Optional[Sequence[int]] = None) -> list[tuple[int, int]]:
    """Epoch ranges (inclusive) where |d loss/d epoch| < threshold × the loss's range over the run
    (max − min of its finite values), the slope by numpy.gradient (central differences inside,
    one-sided at the ends); a loss that does not move at all is one plateau. epochs[i] labels losses[i]."""
    n = len(losses)
    epochs = list(epochs) if epochs is not None else list(range(1, n + 1))
    if n < 2:
        return []
    scale = loss_range(losses)

    def slope(i: int) -> float:
        if i == 0:
            return losses[1] - losses[0]
        if i == n - 1:
            return losses[n - 1] - losses[n - 2]
        return (losses[i + 1] - losses[i - 1]) / 2

    ranges: list[list[int]] = []
    for i in range(n):
        value = abs(slope(i))
        flat = value == 0 if scale == 0 else value < threshold * scale
        if not flat or math.isnan(value):
            continue
        if ranges and ranges[-1][1] == epochs[i - 1]:
            ranges[-1][1] = epochs[i]
        else:
            ranges.append([epochs[i], epochs[i]])
    return [(start, end) for start, end in ranges]


def plateau_message(threshold: float, scale: float, start: int, end: int) -> str:
    """The words a plateau event says, as the engine's plateauMessage."""
    if scale == 0:
        return f"plateau: the loss does not change over epochs {start}–{end}"
    return (f"plateau: the loss changes by less than {threshold:g} × its range ({float(f'{scale:.3g}'):g}) per epoch, "
            f"|d loss/d epoch| < {float(f'{threshold * scale:.3g}'):g}, over epochs {start}–{end}")


class EarlyStopping:
    """Stop when the loss has not improved on its best by more than min_delta for ``patience`` epochs."""

    def __init__(self, patience: int, min_delta: float = 0.0) -> None:
        self.patience = patience
        self.min_delta = min_delta
        self.best = math.inf
        self.waited = 0

    def update(self, loss: float) -> bool:
        """Records a loss; True when training should stop."""
        if loss < self.best - self.min_delta:
            self.best = loss
            self.waited = 0
            return False
        self.waited += 1
        return self.waited >= self.patience
