"""Batches of any structure, and how the model and the loss are called on them.

A batch is whatever the data gives, collated by torch's ``default_collate`` (or as a DataLoader
yields it):

- ``(inputs, targets)``: ``inputs`` a tensor (``model(inputs)``), a tuple or list of tensors
  (``model(*inputs)``) or a dict of tensors (``model(**inputs)``); the loss is
  ``loss(output, targets)``;
- a dict (``{"input_ids", "attention_mask", "labels"}``): ``model(**batch)``, the loss being the
  output's ``loss`` (attribute or key), as HuggingFace models return it when the batch holds labels;
- anything else, with ``model.batchLoss``: ``batch_loss(model, batch)`` returns the batch's mean loss.

A model's output may be a tensor, a dict holding ``logits``, or an object with a ``logits``
attribute: the built-in and ``(output, target)`` losses and the accuracy read ``logits``.

The rows of a batch are the leading dimension of its first tensor (depth first, dicts in key
order); every whole-set loss weights each batch's mean loss by its rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Callable, Iterator, Optional

import torch

try:
    from torch.utils.data import default_collate
except ImportError:  # torch before 1.11 keeps it in a private module
    from torch.utils.data._utils.collate import default_collate  # type: ignore[no-redef]

Batch = Any

SUPPORTED_OUTPUTS = ("a tensor of logits or predictions, a dict holding \"logits\" (and \"loss\" for a dict batch), "
                     "or an object with .logits (and .loss) attributes, as HuggingFace models return")
"""What the model's output may be, for messages about outputs we cannot read."""


class OutputError(TypeError):
    """The model's output (or a batch loss's result) is not a shape we can read; the message says which are."""


# ---- structure ------------------------------------------------------------------------------------
def tensors(batch: Batch) -> Iterator[torch.Tensor]:
    """Every tensor of a batch, depth first, dicts in key order."""
    if isinstance(batch, torch.Tensor):
        yield batch
    elif isinstance(batch, Mapping):
        for value in batch.values():
            yield from tensors(value)
    elif isinstance(batch, (list, tuple)):
        for value in batch:
            yield from tensors(value)


def first_tensor(batch: Batch) -> Optional[torch.Tensor]:
    return next(tensors(batch), None)


def rows(batch: Batch) -> int:
    """The batch's rows: the leading dimension of its first tensor (1 for a 0-d one, 0 without tensors)."""
    tensor = first_tensor(batch)
    if tensor is None:
        return 0
    return int(tensor.shape[0]) if tensor.dim() > 0 else 1


def _map(batch: Batch, fn: Callable[[torch.Tensor], Any]) -> Batch:
    """The batch with fn applied to every tensor, its containers rebuilt (a namedtuple stays one)."""
    if isinstance(batch, torch.Tensor):
        return fn(batch)
    if isinstance(batch, Mapping):  # a dict, or a mapping such as a tokenizer's BatchEncoding: rebuilt as a dict
        return {k: _map(v, fn) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(_map(v, fn) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(_map(v, fn) for v in batch)
    return batch


def to(batch: Batch, device: torch.device, dtype: Optional[torch.dtype] = None) -> Batch:
    """The batch on `device`, its floating tensors in `dtype` (integer ids and masks keep theirs)."""

    def place(tensor: torch.Tensor) -> torch.Tensor:
        tensor = tensor.to(device)
        return tensor.to(dtype) if dtype is not None and torch.is_floating_point(tensor) else tensor

    return _map(batch, place)


def select(batch: Batch, index: Any) -> Batch:
    """Rows of a batch: every tensor whose leading dimension is the batch's rows indexed by `index`
    (a slice or an index tensor); other tensors (a shared 0-d value) are kept whole."""
    count = rows(batch)

    def pick(tensor: torch.Tensor) -> torch.Tensor:
        if tensor.dim() == 0 or tensor.shape[0] != count:
            return tensor
        return tensor[index.to(tensor.device) if isinstance(index, torch.Tensor) else index]

    return _map(batch, pick)


def split(batch: Batch, size: Optional[int]) -> list[Batch]:
    """The batch in consecutive slices of at most `size` rows (one slice for None)."""
    count = rows(batch)
    step = size if size and size > 0 else max(count, 1)
    return [select(batch, slice(start, start + step)) for start in range(0, count, step)]


def collate(items: list[Any]) -> Batch:
    """Items of a Dataset as one batch (torch's default_collate: tensors stacked, numbers and
    numpy arrays made tensors, tuples, lists and dicts collated field by field)."""
    return default_collate(items)


def cat(batches: list[Batch]) -> Optional[Batch]:
    """The batches as one (their tensors concatenated along the rows), or None when their
    structures or shapes differ (a DataLoader padding each batch to its own longest row)."""
    if not batches:
        return None
    if len(batches) == 1:
        return batches[0]
    first = batches[0]
    try:
        if isinstance(first, torch.Tensor):
            if first.dim() == 0:  # a value shared by the batches, not rows
                return first if all(isinstance(b, torch.Tensor) and b.dim() == 0 and bool(b == first) for b in batches) else None
            if any(not isinstance(b, torch.Tensor) or b.shape[1:] != first.shape[1:] or b.dim() == 0 for b in batches):
                return None
            return torch.cat(batches)
        if isinstance(first, Mapping):
            if any(not isinstance(b, Mapping) or list(b.keys()) != list(first.keys()) for b in batches):
                return None
            out = {}
            for key in first:
                part = cat([b[key] for b in batches])
                if part is None and any(isinstance(t, torch.Tensor) for t in tensors(first[key])):
                    return None
                out[key] = part if part is not None else first[key]
            return out
        if isinstance(first, (list, tuple)):
            if any(not isinstance(b, (list, tuple)) or len(b) != len(first) for b in batches):
                return None
            parts = []
            for k in range(len(first)):
                part = cat([b[k] for b in batches])
                if part is None and any(isinstance(t, torch.Tensor) for t in tensors(first[k])):
                    return None
                parts.append(part if part is not None else first[k])
            return type(first)(*parts) if hasattr(first, "_fields") else type(first)(parts)
    except (RuntimeError, TypeError):
        return None
    return first if all(b == first for b in batches) else None


def describe(batch: Batch) -> str:
    """A short description of a batch's structure, for messages: ((64, 12) int64, (64, 12) bool), (64,) int64."""
    if isinstance(batch, torch.Tensor):
        return f"{tuple(batch.shape)} {str(batch.dtype).replace('torch.', '')}"
    if isinstance(batch, Mapping):
        return "{" + ", ".join(f"{k!r}: {describe(v)}" for k, v in batch.items()) + "}"
    if isinstance(batch, (list, tuple)):
        return "(" + ", ".join(describe(v) for v in batch) + ")"
    return type(batch).__name__


# ---- fingerprints for the fixed Dropout masks ------------------------------------------------------
FINGERPRINT_ELEMENTS = 4096
"""Entries of each of a batch's tensors read to tell batches apart (evenly spaced over the tensor)."""


def fingerprint(batch: Batch) -> int:
    """A number that tells batches apart: a hash of every tensor's shape and of up to
    FINGERPRINT_ELEMENTS of its entries, evenly spaced, read in logical order (the same in any
    memory layout, channels-last included, and on any device). A batch of one tensor, alone or in
    a tuple or dict, hashes as that tensor."""
    digest = hashlib.blake2b(digest_size=8)
    for tensor in tensors(batch):
        digest.update(repr(tuple(tensor.shape)).encode())
        flat = tensor.detach().reshape(-1)
        if flat.numel() > 0:
            step = max(1, -(-flat.numel() // FINGERPRINT_ELEMENTS))
            sample = flat[::step].to("cpu")
            if sample.is_complex():
                sample = torch.view_as_real(sample)
            digest.update(sample.to(torch.float64).numpy().tobytes())
    return int.from_bytes(digest.digest(), "little")


# ---- calling the model -----------------------------------------------------------------------------
PAIR, DICT, CUSTOM = "pair", "dict", "custom"
"""How a batch is evaluated: (inputs, targets) with a loss of (output, target); a dict batch whose
output carries the loss; model.batchLoss of (model, batch)."""


def form(batch: Batch, batch_loss: bool) -> str:
    """PAIR, DICT or CUSTOM for a batch (CUSTOM whenever model.batchLoss is given)."""
    if batch_loss:
        return CUSTOM
    if isinstance(batch, Mapping):
        return DICT
    if isinstance(batch, (list, tuple)) and len(batch) == 2 and not hasattr(batch, "_fields"):
        return PAIR
    raise OutputError(f"a batch of {describe(batch)} is neither (inputs, targets) nor a dict: return (inputs, targets) items, dict items "
                      "(called as model(**batch), the loss read from the output's loss), or name model.batchLoss: \"file.py:function\" taking (model, batch)")


def call(model: Callable[..., Any], inputs: Batch) -> Any:
    """model(inputs), model(*inputs) for a tuple or list, model(**inputs) for a dict."""
    if isinstance(inputs, Mapping):
        return model(**inputs)
    if isinstance(inputs, (list, tuple)):
        return model(*inputs)
    return model(inputs)


def targets(batch: Batch, kind: str) -> Optional[torch.Tensor]:
    """The batch's targets, where it names them: the second of a pair, a dict's "labels"."""
    if kind == PAIR:
        return batch[1]
    if kind == DICT and isinstance(batch, Mapping):
        value = batch.get("labels")
        return value if isinstance(value, torch.Tensor) else None
    return None


def _field(output: Any, name: str) -> Any:
    if isinstance(output, Mapping):
        return output.get(name)
    return getattr(output, name, None)


def logits(output: Any) -> torch.Tensor:
    """The tensor the losses and the accuracy read: the output itself, or its "logits"."""
    if isinstance(output, torch.Tensor):
        return output
    value = _field(output, "logits")
    if isinstance(value, torch.Tensor):
        return value
    raise OutputError(f"the model returned {_shown(output)}, which holds no tensor of logits: the losses read {SUPPORTED_OUTPUTS}; "
                      "return one of those, or name model.batchLoss: \"file.py:function\" taking (model, batch) to compute the loss yourself")


def output_loss(output: Any) -> torch.Tensor:
    """The loss a dict batch's output carries (key or attribute "loss"), a scalar tensor."""
    value = _field(output, "loss") if not isinstance(output, torch.Tensor) else None
    if not isinstance(value, torch.Tensor):
        raise OutputError(f"the model, called as model(**batch) on a dict batch, returned {_shown(output)} without a loss: a dict batch needs an output with a "
                          "\"loss\" (key or attribute; HuggingFace models return it when the batch holds \"labels\"); otherwise give items as (inputs, targets) "
                          "with model.loss, or name model.batchLoss: \"file.py:function\" taking (model, batch)")
    if value.numel() != 1:
        raise OutputError(f"the model's output loss has shape {tuple(value.shape)}: it must be the batch's mean loss, a scalar tensor")
    return value.reshape(())


def _shown(output: Any) -> str:
    if isinstance(output, torch.Tensor):
        return f"a tensor {tuple(output.shape)}"
    if isinstance(output, Mapping):
        return f"a dict with keys {', '.join(map(str, output.keys())) or '(none)'}"
    if isinstance(output, (list, tuple)):
        return f"a {type(output).__name__} of {len(output)} ({', '.join(type(v).__name__ for v in output[:4])}{', …' if len(output) > 4 else ''})"
    return f"a {type(output).__name__}"
