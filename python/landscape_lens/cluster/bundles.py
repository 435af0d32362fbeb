"""What the workers receive: the model (the user's sources, factory, loss, dtype, mode and
state_dict), the data and vectors (a plane, or the Hessian's point), each as a bundle named by a
hash of its content, so a worker builds each once and no shared file system is assumed."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any, Optional, Sequence

import torch


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:32]


def _tensor_bytes(tensor: torch.Tensor) -> bytes:
    buffer = io.BytesIO()
    torch.save(tensor.detach().cpu(), buffer)
    return buffer.getvalue()


def user_sources(loader: Any, config: dict[str, Any]) -> dict[str, bytes]:
    """The user's Python files as {path relative to the config's folder: bytes}: the files the config
    names (model, data, loss) and the other .py files in their folders (their own imports)."""
    folders, named = set(), []
    model_config = config.get("model") or {}
    for reference in (model_config.get("pytorch"), (config.get("data") or {}).get("factory"), model_config.get("loss"), model_config.get("batchLoss")):
        if isinstance(reference, str) and ":" in reference and ".py" in reference:
            path = os.path.realpath(loader.path(reference.rsplit(":", 1)[0]))
            named.append(path)
            folders.add(os.path.dirname(path))
    files = set(named)
    for folder in folders:
        for name in os.listdir(folder):
            if name.endswith(".py"):
                files.add(os.path.join(folder, name))
    base = os.path.realpath(loader.base_dir)
    out: dict[str, bytes] = {}
    for path in sorted(files):
        relative = os.path.relpath(path, base)
        if relative.startswith(".."):  # a file outside the config's folder keeps its place under "_outside"
            relative = os.path.join("_outside", path.lstrip(os.sep))
        with open(path, "rb") as handle:
            out[relative] = handle.read()
    return out


def model_bundle(problem: Any, loader: Any, config: dict[str, Any], threads: int) -> dict[str, Any]:
    """The model as a worker rebuilds it: sources, factory, loss, dtype, mode, batch size and the
    current state_dict (the trained weights and BatchNorm statistics included), with its hash."""
    model_config = config.get("model") or {}
    sources = user_sources(loader, config)
    base = os.path.realpath(loader.base_dir)

    def relative_reference(reference: Any) -> Any:
        if not (isinstance(reference, str) and ":" in reference and ".py" in reference):
            return reference
        file_part, name = reference.rsplit(":", 1)
        path = os.path.realpath(loader.path(file_part))
        relative = os.path.relpath(path, base)
        if relative.startswith(".."):
            relative = os.path.join("_outside", path.lstrip(os.sep))
        return f"{relative}:{name}"

    state = {k: v.detach().cpu() for k, v in problem.model.state_dict().items()}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    spec = {
        "model": relative_reference(model_config.get("pytorch")),
        "kwargs": model_config.get("kwargs") or {},
        "loss": relative_reference(model_config.get("loss", "mse")),
        "dtype": str(problem.dtype).replace("torch.", ""),
        "mode": problem.mode,
        "batchSize": problem.batch_size,
        "device": ((config.get("runtime") or {}).get("device") or "auto"),
        "threads": threads,
        "seed": int(config.get("seed", 0) or 0),
        "batchLoss": relative_reference(model_config.get("batchLoss")),
        "lossGiven": problem.loss_given,
    }
    parts = [repr(sorted(spec.items())).encode(), buffer.getvalue()] + [k.encode() + b"\0" + v for k, v in sorted(sources.items())]
    return {"hash": digest(*parts), "sources": sources, "spec": spec, "state": buffer.getvalue()}


def data_bundle(inputs: Any, targets: Optional[torch.Tensor]) -> dict[str, Any]:
    """The data as a worker receives it: two tensors, or (structured data, targets None) the list
    of batches as they were collated, each of any structure."""
    if targets is None:
        from .. import batches

        listed = [batches.to(b, torch.device("cpu")) for b in inputs]
        buffer = io.BytesIO()
        torch.save(listed, buffer)
        return {"hash": digest(buffer.getvalue()), "batches": listed}
    x, y = inputs.detach().cpu(), targets.detach().cpu()
    return {"hash": digest(_tensor_bytes(x), _tensor_bytes(y)), "inputs": x, "targets": y}


def vectors_bundle(vectors: Sequence[torch.Tensor]) -> dict[str, Any]:
    cpu = [v.detach().cpu() for v in vectors]
    return {"hash": digest(*[_tensor_bytes(v) for v in cpu]), "vectors": cpu}
