"""Loading a config's model, weights, loss and data into a Problem.

User files are imported by path under private module names (``landscape_lens_user.<stem>_<n>``),
so a user's ``model.py`` never shadows or replaces a module of the same name; the file's folder
goes on sys.path so its own sibling imports work.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import struct
import sys
from typing import Any, Callable, Optional

import numpy as np
import torch

from .errors import ConfigError, EnvironmentProblem, UserFiles, classify
from .losses import LOSS_NAMES, LossFunction, builtin_loss
from .problem import Problem
from .tuning import set_threads

DTYPES = {"float64": torch.float64, "float32": torch.float32}


class Loader:
    """Loads user files relative to the config's folder and remembers them as the user's files."""

    def __init__(self, base_dir: str, user_files: Optional[UserFiles] = None) -> None:
        self.base_dir = os.path.abspath(base_dir)
        self.user_files = user_files or UserFiles(self.base_dir)
        self._modules: dict[str, Any] = {}

    def path(self, relative: str) -> str:
        return relative if os.path.isabs(relative) else os.path.normpath(os.path.join(self.base_dir, relative))

    def import_file(self, path: str, field: str) -> Any:
        """Executes a Python file as a module (once per file); its exceptions are user-code errors."""
        real = os.path.realpath(path)
        if real in self._modules:
            return self._modules[real]
        if not os.path.isfile(real):
            raise ConfigError(f"{field[1:].replace('/', '.')}: file {path} does not exist (paths are relative to the config's folder {self.base_dir})", field)
        self.user_files.add(real)
        stem = os.path.splitext(os.path.basename(real))[0]
        name = f"landscape_lens_user.{stem}_{len(self._modules)}"
        spec = importlib.util.spec_from_file_location(name, real)
        if spec is None or spec.loader is None:
            raise ConfigError(f"{field[1:].replace('/', '.')}: {path} is not a Python file", field)
        module = importlib.util.module_from_spec(spec)
        folder = os.path.dirname(real)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:  # the user's module raised while importing
            del sys.modules[name]
            raise classify(exc, self.user_files, f"importing {path}") from exc
        self._modules[real] = module
        return module

    def function(self, reference: Any, field: str) -> tuple[Callable[..., Any], str]:
        """The function a "file.py:function" reference names, and the reference's display form."""
        label = field[1:].replace("/", ".")
        if not isinstance(reference, str) or ":" not in reference:
            raise ConfigError(f'{label}: expected "file.py:function", got {json.dumps(reference)}', field)
        file_part, function_name = reference.rsplit(":", 1)
        if not file_part.endswith(".py") or not function_name.isidentifier():
            raise ConfigError(f'{label}: expected "file.py:function", got "{reference}"', field)
        module = self.import_file(self.path(file_part), field)
        fn = getattr(module, function_name, None)
        if fn is None or not callable(fn):
            defined = sorted(n for n, v in vars(module).items() if inspect.isfunction(v) and v.__module__ == module.__name__)
            hint = f"; functions defined there: {', '.join(defined)}" if defined else ""
            raise ConfigError(f"{label}: {file_part} defines no function {function_name}{hint}", field)
        return fn, reference

    def call(self, fn: Callable[..., Any], reference: str, *args: Any) -> Any:
        try:
            return fn(*args)
        except BaseException as exc:
            raise classify(exc, self.user_files, f"calling {reference}") from exc


# ---- device, dtype, threads -----------------------------------------------------------------------
def choose_device(runtime: dict[str, Any]) -> torch.device:
    """runtime.device: auto (CUDA when available, else CPU), cpu, cuda, cuda:N."""
    wanted = (runtime or {}).get("device", "auto") or "auto"
    if wanted == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if wanted == "cpu":
        return torch.device("cpu")
    if isinstance(wanted, str) and (wanted == "cuda" or wanted.startswith("cuda:")):
        if not torch.cuda.is_available():
            raise EnvironmentProblem(f'runtime.device "{wanted}": CUDA is not available to this torch ({torch.__version__}); use "auto" or "cpu"',
                                     {"field": "/runtime/device"})
        index = int(wanted.split(":", 1)[1]) if ":" in wanted and wanted.split(":", 1)[1].isdigit() else 0
        if index >= torch.cuda.device_count():
            raise EnvironmentProblem(f'runtime.device "{wanted}": this machine has {torch.cuda.device_count()} CUDA device(s), numbered from 0',
                                     {"field": "/runtime/device"})
        return torch.device(wanted)
    raise ConfigError(f'runtime.device "{wanted}": use "auto", "cpu", "cuda" or "cuda:N"', "/runtime/device")


def apply_threads(runtime: dict[str, Any]) -> None:
    threads = (runtime or {}).get("threads", 0) or 0
    if not isinstance(threads, int) or threads < 0:
        raise ConfigError(f"runtime.threads {threads!r}: use a whole number ≥ 0 (0: every core)", "/runtime/threads")
    if threads > 0:
        set_threads(threads)


# ---- weights --------------------------------------------------------------------------------------
_SAFETENSORS_DTYPES = {
    "F64": (torch.float64, "<f8"), "F32": (torch.float32, "<f4"), "F16": (torch.float16, "<f2"),
    "I64": (torch.int64, "<i8"), "I32": (torch.int32, "<i4"), "I16": (torch.int16, "<i2"), "I8": (torch.int8, "i1"),
    "U8": (torch.uint8, "u1"), "BOOL": (torch.bool, "?"),
}


def read_safetensors(path: str) -> dict[str, torch.Tensor]:
    """A .safetensors file's tensors, parsed by hand: an 8-byte little-endian header length, a JSON
    header {name: {dtype, shape, data_offsets}}, then the raw little-endian data (BF16 widened to float32)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 8:
        raise ValueError("file shorter than the 8-byte header length")
    (header_length,) = struct.unpack("<Q", raw[:8])
    if 8 + header_length > len(raw):
        raise ValueError(f"header length {header_length} runs past the end of the file ({len(raw)} bytes)")
    header = json.loads(raw[8 : 8 + header_length].decode("utf-8"))
    body = memoryview(raw)[8 + header_length :]
    out: dict[str, torch.Tensor] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        shape = [int(s) for s in info["shape"]]
        chunk = body[start:end]
        if info["dtype"] == "BF16":
            halves = np.frombuffer(chunk, dtype="<u2").astype(np.uint32) << 16
            array = halves.view(np.float32)
            tensor = torch.from_numpy(array.copy()).reshape(shape)
        elif info["dtype"] in _SAFETENSORS_DTYPES:
            _, numpy_type = _SAFETENSORS_DTYPES[info["dtype"]]
            tensor = torch.from_numpy(np.frombuffer(chunk, dtype=numpy_type).copy()).reshape(shape)
        else:
            raise ValueError(f"tensor {name} has dtype {info['dtype']}, which this reader does not know")
        out[name] = tensor
    return out


def load_state_dict_file(path: str, field: str) -> dict[str, torch.Tensor]:
    """A state_dict from .pt/.pth (torch.save; a dict under "state_dict"/"model_state_dict", or a
    whole module) or .safetensors (the safetensors package when importable, else parsed by hand)."""
    label = field[1:].replace("/", ".")
    if not os.path.isfile(path):
        raise ConfigError(f"{label}: {path} does not exist (paths are relative to the config's folder)", field)
    try:
        if path.endswith(".safetensors"):
            try:
                from safetensors.torch import load_file  # type: ignore[import-not-found]
            except ImportError:
                return read_safetensors(path)
            return dict(load_file(path))
        loaded = _torch_load(path)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(f"{label}: cannot read {path}: {type(exc).__name__}: {exc}", field) from exc
    if isinstance(loaded, torch.nn.Module):
        loaded = loaded.state_dict()
    if isinstance(loaded, dict):
        for key in ("state_dict", "model_state_dict"):
            if key in loaded and isinstance(loaded[key], dict):
                loaded = loaded[key]
                break
    if not isinstance(loaded, dict) or not all(isinstance(v, torch.Tensor) for v in loaded.values()):
        raise ConfigError(f"{label}: {path} holds a {type(loaded).__name__}, not a state_dict of tensors (save model.state_dict(), or a dict with a \"state_dict\" key)", field)
    return dict(loaded)


def _torch_load(path: str) -> Any:
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # a torch without weights_only
        return torch.load(path, map_location="cpu")
    except Exception:
        # Checkpoints holding more than tensors (e.g. optimizer state with custom classes).
        return torch.load(path, map_location="cpu", weights_only=False)


def _listing(keys: list[str], limit: int = 12) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def check_state_dict(model: torch.nn.Module, state: dict[str, torch.Tensor], strict: bool, path: str, field: str) -> dict[str, torch.Tensor]:
    """The state_dict with DataParallel's "module." prefix dropped when the model has none; missing
    or unexpected keys (strict) and shape mismatches (always) are config errors naming them."""
    expected = model.state_dict()
    if state and all(k.startswith("module.") for k in state) and not any(k.startswith("module.") for k in expected):
        state = {k[len("module."):]: v for k, v in state.items()}
    label = field[1:].replace("/", ".")
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if strict and (missing or unexpected):
        parts = []
        if missing:
            parts.append(f"missing keys: {_listing(missing)}")
        if unexpected:
            parts.append(f"unexpected keys: {_listing(unexpected)}")
        raise ConfigError(f"{label}: {os.path.basename(path)} does not fit the model ({'; '.join(parts)}); fix the model or the file, or set \"strict\": false to load the keys that match",
                          field, missing=missing, unexpected=unexpected)
    wrong = [f"{k} {tuple(state[k].shape)} vs the model's {tuple(expected[k].shape)}" for k in expected if k in state and state[k].shape != expected[k].shape]
    if wrong:
        raise ConfigError(f"{label}: {os.path.basename(path)} has tensors of the wrong shape: {_listing(wrong, 6)}", field)
    return state


def load_weights(model: torch.nn.Module, path: str, strict: bool, field: str) -> None:
    state = check_state_dict(model, load_state_dict_file(path, field), strict, path, field)
    model.load_state_dict(state, strict=False)


def state_dict_to_flat(problem: Problem, state: dict[str, torch.Tensor], path: str, field: str) -> torch.Tensor:
    """The trainable parameters a state_dict holds, as a flat vector in the problem's layout."""
    state = check_state_dict(problem.model, state, False, path, field)
    missing = [n for n in problem.names if n not in state]
    if missing:
        raise ConfigError(f"{field[1:].replace('/', '.')}: {os.path.basename(path)} lacks the parameters {_listing(missing)}", field)
    return torch.cat([state[n].to(problem.device, problem.dtype).reshape(-1) for n in problem.names])


# ---- data -----------------------------------------------------------------------------------------
def _as_tensor(value: Any) -> Optional[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    if isinstance(value, (int, float, np.number)):
        return torch.tensor(value)
    return None


def dataset_tensors(value: Any, reference: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, targets) from what a data factory returned: a pair of tensors (or numpy arrays),
    or a map-style Dataset of (input, target) items, stacked."""
    field = "/data/factory"
    if isinstance(value, (tuple, list)) and len(value) == 2:
        inputs, targets = _as_tensor(value[0]), _as_tensor(value[1])
        if inputs is None or targets is None:
            raise ConfigError(f"data.factory {reference} returned a pair of {type(value[0]).__name__} and {type(value[1]).__name__}: return (inputs, targets) as tensors, or a torch.utils.data.Dataset", field)
    elif hasattr(value, "__getitem__") and hasattr(value, "__len__") and not isinstance(value, (str, bytes, dict, tuple, list)):
        count = len(value)
        if count == 0:
            raise ConfigError(f"data.factory {reference} returned an empty Dataset", field)
        xs, ys = [], []
        for i in range(count):
            item = value[i]
            if not isinstance(item, (tuple, list)) or len(item) < 2:
                raise ConfigError(f"data.factory {reference}: item {i} of the Dataset is a {type(item).__name__}, not an (input, target) pair", field)
            x, y = _as_tensor(item[0]), _as_tensor(item[1])
            if x is None or y is None:
                raise ConfigError(f"data.factory {reference}: item {i} of the Dataset holds {type(item[0]).__name__} and {type(item[1]).__name__}, not tensors or numbers", field)
            xs.append(x)
            ys.append(y)
        inputs, targets = torch.stack(xs), torch.stack(ys)
    else:
        raise ConfigError(f"data.factory {reference} returned a {type(value).__name__}: return (inputs, targets) tensors or a torch.utils.data.Dataset", field)
    if inputs.dim() == 0 or targets.dim() == 0 or inputs.shape[0] != targets.shape[0]:
        raise ConfigError(f"data.factory {reference}: inputs {tuple(inputs.shape)} and targets {tuple(targets.shape)} must have the same number of rows (first dimension)", field)
    return inputs, targets


def split_rows(inputs: torch.Tensor, targets: torch.Tensor, test_fraction: float, seed: int):
    """The engine's split: a seeded permutation (torch.Generator seeded with seed + 1); the last
    ⌊rows·testFraction⌋ rows (at least one when testFraction > 0) are the test set."""
    rows = inputs.shape[0]
    if test_fraction <= 0:
        return (inputs, targets), None
    test_rows = max(1, int(rows * test_fraction))
    if test_rows >= rows:
        raise ConfigError(f"data.testFraction {test_fraction} leaves no training rows out of {rows}: use a value below 1", "/data/testFraction")
    order = torch.randperm(rows, generator=torch.Generator().manual_seed(seed + 1))
    train, test = order[: rows - test_rows], order[rows - test_rows :]
    return (inputs[train], targets[train]), (inputs[test], targets[test])


# ---- the loss -------------------------------------------------------------------------------------
def make_loss(loader: Loader, name: Any) -> LossFunction:
    field = "/model/loss"
    if isinstance(name, str) and ":" in name and ".py" in name:
        fn, reference = loader.function(name, field)

        def check(value: Any) -> None:
            if not isinstance(value, torch.Tensor) or value.numel() != 1:
                shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
                raise ConfigError(f"model.loss {reference} returned {shape}: it must return the mean loss as a scalar tensor (e.g. end with .mean())", field)

        return LossFunction(name, fn, summed=False, check=check)
    if name not in LOSS_NAMES:
        raise ConfigError(f'model.loss "{name}": use one of {", ".join(LOSS_NAMES)}, or "file.py:function" taking (output, target) and returning the mean loss', field)
    return builtin_loss(name)


# ---- everything -----------------------------------------------------------------------------------
def load_problem(config: dict[str, Any], base_dir: str, user_files: Optional[UserFiles] = None) -> tuple[Problem, Loader]:
    """The Problem a config describes: model (+ weights, dtype, device, mode), loss and data."""
    loader = Loader(base_dir, user_files)
    model_config = config.get("model")
    if not isinstance(model_config, dict) or "pytorch" not in model_config:
        raise ConfigError('model.pytorch: give "file.py:function" returning the nn.Module', "/model/pytorch")
    data_config = config.get("data")
    if not isinstance(data_config, dict) or data_config.get("kind") != "pytorch":
        raise ConfigError('data.kind must be "pytorch" with a "factory": "file.py:function" returning (inputs, targets)', "/data/kind")
    if "factory" not in data_config:
        raise ConfigError('data.factory: give "file.py:function" returning (inputs, targets) tensors or a Dataset', "/data/factory")
    runtime = config.get("runtime") or {}
    apply_threads(runtime)
    device = choose_device(runtime)
    seed = int(config.get("seed", 0) or 0)

    model_fn, model_ref = loader.function(model_config["pytorch"], "/model/pytorch")
    torch.manual_seed(seed)
    model = loader.call(model_fn, model_ref)
    if not isinstance(model, torch.nn.Module):
        raise ConfigError(f"model.pytorch {model_ref} returned a {type(model).__name__}, not a torch.nn.Module", "/model/pytorch")
    dtype_name = model_config.get("dtype")
    if dtype_name is not None and dtype_name not in DTYPES:
        raise ConfigError(f'model.dtype "{dtype_name}": use "float64" or "float32" (or leave it out for the model\'s own)', "/model/dtype")
    floating = [p for p in model.parameters() if torch.is_floating_point(p)]
    if not floating:
        raise ConfigError(f"model.pytorch {model_ref}: the model has no floating-point parameters", "/model/pytorch")
    dtype = DTYPES[dtype_name] if dtype_name else floating[0].dtype
    try:
        model = model.to(device=device, dtype=dtype)
    except RuntimeError as exc:
        raise classify(exc, loader.user_files, f"moving the model to {device}") from exc
    # Weights load after the conversion, so float64 weights reach float64 parameters unrounded.
    if model_config.get("weights"):
        load_weights(model, loader.path(model_config["weights"]), model_config.get("strict", True) is not False, "/model/weights")
    mode = model_config.get("mode", "eval")
    if mode not in ("eval", "train"):
        raise ConfigError(f'model.mode "{mode}": use "eval" (BatchNorm and Dropout in evaluation mode) or "train"', "/model/mode")
    loss = make_loss(loader, model_config.get("loss", "mse"))

    data_fn, data_ref = loader.function(data_config["factory"], "/data/factory")
    inputs, targets = dataset_tensors(loader.call(data_fn, data_ref), data_ref)
    samples = data_config.get("samples")
    if samples is not None:
        if not isinstance(samples, int) or samples < 1:
            raise ConfigError(f"data.samples {samples!r}: use a whole number ≥ 1 (the first N rows are kept)", "/data/samples")
        inputs, targets = inputs[:samples], targets[:samples]
    test_fraction = data_config.get("testFraction", 0.2)
    (train_x, train_y), test = split_rows(inputs, targets, float(test_fraction), seed)

    def place(x: torch.Tensor) -> torch.Tensor:
        x = x.to(device)
        return x.to(dtype) if torch.is_floating_point(x) else x

    batch_size = data_config.get("batchSize")
    try:
        problem = Problem(model, loss, (place(train_x), place(train_y)),
                          (place(test[0]), place(test[1])) if test is not None else None, batch_size, mode)
        # One evaluation now, so a model that does not fit the data, or a loss that is not a
        # scalar, fails at initialize rather than mid-analysis.
        x0, y0 = next(problem.batches("train"))
        with torch.no_grad():
            problem.batch_loss(x0[: min(2, x0.shape[0])] if mode == "eval" else x0, y0[: min(2, y0.shape[0])] if mode == "eval" else y0)
    except ConfigError:
        raise
    except Exception as exc:
        error = classify(exc, loader.user_files, "evaluating the model on the data")
        if error.kind == "internal":  # no frame of the user's: the model and the data do not fit
            raise ConfigError(f"model.pytorch {model_ref} cannot evaluate the data of data.factory {data_ref} "
                              f"(inputs {tuple(train_x.shape)}, targets {tuple(train_y.shape)}, loss {loss.name}): {type(exc).__name__}: {exc}",
                              "/data/factory", traceback=error.data.get("traceback")) from exc
        raise error from exc
    return problem, loader
