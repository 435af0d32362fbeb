"""training.saveWeights on a torch model: the trained state_dict as .pt/.pth (torch.save) or
.safetensors (the safetensors package when importable, else written by hand: an 8-byte
little-endian header length, a JSON header, raw little-endian tensors)."""

from __future__ import annotations

import json
import os
from typing import Optional

import torch

SAFETENSORS_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}


class SaveWeightsError(ValueError):
    """A saveWeights path the backend will not write; ``field`` is the JSON pointer."""

    field = "/training/saveWeights"


def write_safetensors(path: str, tensors: dict[str, torch.Tensor]) -> None:
    """The safetensors format by hand: header {name: {dtype, shape, data_offsets}} padded to 8 bytes, then the data."""
    header: dict = {}
    blobs: list[bytes] = []
    offset = 0
    for name, tensor in tensors.items():
        if tensor.dtype not in SAFETENSORS_DTYPES:
            raise SaveWeightsError(f"training.saveWeights: tensor {name} has dtype {tensor.dtype}, which .safetensors cannot hold: save as .pt")
        # The raw bytes in the machine's order (little-endian on every platform torch ships for).
        data = tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as handle:
        handle.write(len(text).to_bytes(8, "little"))
        handle.write(text)
        for blob in blobs:
            handle.write(blob)


def save_weights(model: torch.nn.Module, path: str, base_dir: str = ".", weights: Optional[str] = None) -> str:
    """Writes the model's state_dict to path (relative to the config's folder); returns the absolute path.

    Refuses the file the weights were loaded from (model.weights): the tool never overwrites a file it did not write.
    """
    target = os.path.abspath(os.path.join(base_dir, path))
    if weights and os.path.exists(target) and os.path.samefile(target, os.path.abspath(os.path.join(base_dir, weights))):
        raise SaveWeightsError(f"training.saveWeights is the file model.weights was loaded from ({path}): give another path so the original weights are kept")
    state = {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()}
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    if target.endswith(".safetensors"):
        try:
            from safetensors.torch import save_file  # type: ignore[import-not-found]

            save_file({k: v.contiguous() for k, v in state.items()}, target)
        except ImportError:
            write_safetensors(target, state)
    elif target.endswith((".pt", ".pth")):
        torch.save(state, target)
    else:
        raise SaveWeightsError(f"training.saveWeights {path!r}: the PyTorch backend writes .pt, .pth or .safetensors files")
    return target
