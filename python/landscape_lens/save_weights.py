"""training.saveWeights on a torch model: the trained state_dict as .pt/.pth (torch.save) or
.safetensors (the safetensors package when importable, else written by hand: an 8-byte
little-endian header length, a JSON header, raw little-endian tensors).

The tool never overwrites a file it did not write. Beside each weights file it writes a marker,
``<file>.landscape-lens.json``, holding the file's size and SHA-256; an existing file is replaced
only while it still matches its marker (the tool's own earlier output, unchanged since). Anything
else at the path (the user's weights, a file edited since) is refused before training starts
(check_target), or, when it appears while training runs, kept: the weights go to a new name beside
it (``weights-2.pt``) and the run says so. Every file is written to a temporary file in the same
folder, flushed to disk, and renamed into place, so a crash never leaves a half-written file at
the path.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from typing import IO, Optional

import torch

SAFETENSORS_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}
EXTENSIONS = (".pt", ".pth", ".safetensors")
MARKER_SUFFIX = ".landscape-lens.json"
WRITER = "landscape-lens"


class SaveWeightsError(ValueError):
    """A saveWeights path the backend will not write; ``field`` is the JSON pointer."""

    field = "/training/saveWeights"


def write_safetensors(handle: IO[bytes], tensors: dict[str, torch.Tensor]) -> None:
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
    handle.write(len(text).to_bytes(8, "little"))
    handle.write(text)
    for blob in blobs:
        handle.write(blob)


# ---- what the tool wrote ---------------------------------------------------------------------------
def marker_path(target: str) -> str:
    return target + MARKER_SUFFIX


def _digest(path: str) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(1 << 20)
            if not block:
                break
            sha.update(block)
            size += len(block)
    return sha.hexdigest(), size


def _read_marker(target: str) -> Optional[dict]:
    """The marker beside target when it is one of the tool's (a JSON object with "writer"), else None."""
    try:
        with open(marker_path(target), "rb") as handle:
            marker = json.loads(handle.read(1 << 16).decode("utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and marker.get("writer") == WRITER else None


def written_by_us(target: str) -> bool:
    """Whether target is a plain file the tool wrote and nobody changed since: its size and SHA-256 match its marker."""
    if os.path.islink(target) or not os.path.isfile(target):
        return False
    marker = _read_marker(target)
    if marker is None or marker.get("size") != os.path.getsize(target):
        return False
    return _digest(target)[0] == marker.get("sha256")


def _refusal(target: str, path: str) -> Optional[str]:
    """Why target cannot be written (None: it is free, or the tool's own unchanged file)."""
    if os.path.lexists(target):
        if os.path.isdir(target):
            return f"training.saveWeights {path!r} is a folder: give a file name ending in .pt, .pth or .safetensors"
        if not written_by_us(target):
            return (f"training.saveWeights: {path} already exists and was not written by this tool (or was changed since): "
                    f"give a new file name, or move the file away; weights the tool did not write are never overwritten")
    elif os.path.lexists(marker_path(target)) and _read_marker(target) is None:
        return f"training.saveWeights: {marker_path(target)} exists and is not the tool's marker: give another file name, or move that file away"
    return None


def check_target(path: str, base_dir: str = ".", weights: Optional[str] = None) -> str:
    """The absolute path saveWeights would write, checked before training starts: a supported
    extension, not the file model.weights was loaded from, and no file the tool did not write."""
    target = os.path.abspath(os.path.join(base_dir, path))
    if not target.endswith(EXTENSIONS):
        raise SaveWeightsError(f"training.saveWeights {path!r}: the PyTorch backend writes .pt, .pth or .safetensors files")
    if weights and os.path.exists(target) and os.path.samefile(target, os.path.abspath(os.path.join(base_dir, weights))):
        raise SaveWeightsError(f"training.saveWeights is the file model.weights was loaded from ({path}): give another path so the original weights are kept")
    refusal = _refusal(target, path)
    if refusal:
        raise SaveWeightsError(refusal)
    return target


# ---- writing ---------------------------------------------------------------------------------------
def _write_temporary(folder: str, name: str, write) -> str:
    """A new file in folder (hidden, unique) holding what write(handle) wrote, flushed to disk; removed on failure."""
    # os.open rather than mkstemp: the file gets the usual permissions (0666 less the umask), not 0600.
    while True:
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _remove_quietly(temporary)
        raise
    return temporary


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _place_new(temporary: str, target: str) -> bool:
    """Moves temporary to target only if target does not exist (a hard link fails on an existing
    name, so a file created meanwhile is never replaced); False when the name is taken."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: the existence check is the best there is
        if os.path.lexists(target):
            return False
        os.replace(temporary, target)
        return True
    os.unlink(temporary)
    return True


def _sync_folder(folder: str) -> None:
    """The renames in folder on disk too (POSIX; a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _free_name(target: str) -> str:
    """The first of weights-2.pt, weights-3.pt, … with neither a file nor a marker."""
    stem, extension = os.path.splitext(target)
    for number in range(2, 10_000):
        candidate = f"{stem}-{number}{extension}"
        if not os.path.lexists(candidate) and not os.path.lexists(marker_path(candidate)):
            return candidate
    raise SaveWeightsError(f"training.saveWeights: no free name beside {target}: give a new file name")


def save_weights(model: torch.nn.Module, path: str, base_dir: str = ".", weights: Optional[str] = None,
                 warnings: Optional[list[str]] = None) -> str:
    """Writes the model's state_dict to path (relative to the config's folder) and its marker;
    returns the absolute path written. A file at path that the tool did not write is kept: the
    weights then go to a new name beside it, and a line saying so is appended to warnings."""
    target = os.path.abspath(os.path.join(base_dir, path))
    if not target.endswith(EXTENSIONS):
        raise SaveWeightsError(f"training.saveWeights {path!r}: the PyTorch backend writes .pt, .pth or .safetensors files")
    if weights and os.path.exists(target) and os.path.samefile(target, os.path.abspath(os.path.join(base_dir, weights))):
        raise SaveWeightsError(f"training.saveWeights is the file model.weights was loaded from ({path}): give another path so the original weights are kept")
    state = {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()}
    folder = os.path.dirname(target) or "."
    os.makedirs(folder, exist_ok=True)

    def write(handle: IO[bytes]) -> None:
        if target.endswith(".safetensors"):
            try:
                from safetensors.torch import save  # type: ignore[import-not-found]
            except ImportError:
                write_safetensors(handle, state)
            else:
                handle.write(save({k: v.contiguous() for k, v in state.items()}))
        else:
            torch.save(state, handle)

    temporary = _write_temporary(folder, os.path.basename(target), write)
    try:
        sha256, size = _digest(temporary)
        written: Optional[str] = None
        if _refusal(target, path) is None:
            if os.path.lexists(target):
                os.replace(temporary, target)  # the tool's own earlier file, unchanged: replaced whole
                written = target
            elif _place_new(temporary, target):
                written = target
        if written is None:
            # A file the tool did not write took the name while training ran: it is kept, and the
            # weights go to a new name beside it.
            while written is None:
                candidate = _free_name(target)
                written = candidate if _place_new(temporary, candidate) else None
            if warnings is not None:
                warnings.append(f"training.saveWeights: {path} is a file this tool did not write, so it was kept; the trained weights are in {written}")
        marker = json.dumps({"writer": WRITER, "file": os.path.basename(written), "size": size, "sha256": sha256}, indent=1).encode("utf-8")
        marker_temporary = _write_temporary(folder, os.path.basename(marker_path(written)), lambda handle: handle.write(marker))
        os.replace(marker_temporary, marker_path(written))
        _sync_folder(folder)
        return written
    finally:
        if os.path.lexists(temporary):
            _remove_quietly(temporary)
