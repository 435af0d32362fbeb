"""Loading a config's model, weights, loss and data into a Problem.

User files are imported by path under private module names (``landscape_lens_user.<stem>_<n>``),
so a user's ``model.py`` never shadows or replaces a module of the same name; the file's folder
goes on sys.path so its own sibling imports work.
"""

from __future__ import annotations

import collections
import collections.abc
import importlib.util
import inspect
import json
import os
import pickle
import random
import struct
import sys
import zipfile
from typing import Any, Callable, Optional

import numpy as np
import torch

from .checkpoint_layouts import CONTAINER_KEYS, describe_container, find_state_dict, fit_keys
from .errors import ConfigError, EnvironmentProblem, UserFiles, classify
from .losses import LOSS_NAMES, LossFunction, builtin_loss
from .batches import OutputError
from .problem import Problem
from .tuning import set_threads

DTYPES = {"float64": torch.float64, "float32": torch.float32}
RANDOM_LAYERS = (torch.nn.modules.dropout._DropoutNd,)
"""Layers whose training-mode forward draws random numbers (Dropout, Dropout2d, AlphaDropout, …),
named in the run's log when model.mode is "train"."""


class Loader:
    """Loads user files relative to the config's folder and remembers them as the user's files."""

    def __init__(self, base_dir: str, user_files: Optional[UserFiles] = None) -> None:
        self.base_dir = os.path.abspath(base_dir)
        self.user_files = user_files or UserFiles(self.base_dir)
        self._modules: dict[str, Any] = {}
        self.trust_checkpoint = False
        """model.trustCheckpoint: checkpoints this config names may be unpickled in full."""

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
        # Any module-level callable will do: a def, a class, a functools.partial, a lambda, an
        # imported function; the name only has to be bound at the top of the file.
        if not hasattr(module, function_name):
            defined = sorted(n for n, v in vars(module).items() if inspect.isfunction(v) and v.__module__ == module.__name__)
            hint = f"; functions defined there: {', '.join(defined)}" if defined else ""
            raise ConfigError(f"{label}: {file_part} defines no function {function_name}{hint}", field)
        fn = getattr(module, function_name)
        if not callable(fn):
            kind = type(fn).__name__
            raise ConfigError(f"{label}: {function_name} in {file_part} is {'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}, not callable: name a function, a class or another callable "
                              f"(def {function_name}(): …, or {function_name} = functools.partial(…))", field)
        return fn, reference

    def state_dict_file(self, path: str, field: str) -> dict[str, torch.Tensor]:
        """A checkpoint this config names, loaded by load_state_dict_file with the config's trust."""
        return load_state_dict_file(path, field, self.trust_checkpoint)

    def call(self, fn: Callable[..., Any], reference: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BaseException as exc:
            raise classify(exc, self.user_files, f"calling {reference}") from exc

    def call_factory(self, fn: Callable[..., Any], reference: str, section: str, kwargs: dict[str, Any], seed: int) -> Any:
        """A factory of the config (section "model" or "data") called with its kwargs, once they are
        known to fit its signature, after seed_everything(seed): the same config builds the same
        model and data on every machine."""
        check_arguments(fn, reference, section, kwargs)
        seed_everything(seed)
        return self.call(fn, reference, **kwargs)


# ---- factories ------------------------------------------------------------------------------------
FACTORY_FIELDS = {"model": "pytorch", "data": "factory"}
"""The field of each section that names its factory (model.pytorch, data.factory)."""

DATA_SEED_OFFSET = 3
"""The data factory runs seeded with seed + 3, the model factory with seed: their random draws do
not share one stream (seed + 1 is the split's, seed + 2 training's)."""


def factory_kwargs(section_config: dict[str, Any], section: str) -> dict[str, Any]:
    """model.kwargs / data.kwargs: a JSON object whose entries are passed as keyword arguments."""
    kwargs = section_config.get("kwargs")
    if kwargs is None:
        return {}
    if not isinstance(kwargs, dict):
        raise ConfigError(f'{section}.kwargs: expected an object of keyword arguments, e.g. {{"width": 64}}, got {json.dumps(kwargs)}', f"/{section}/kwargs")
    return dict(kwargs)


def _example(names: list[str]) -> str:
    return ", ".join(f'"{name}": …' for name in names)


def check_arguments(fn: Callable[..., Any], reference: str, section: str, kwargs: dict[str, Any]) -> None:
    """Refuses, before the call, kwargs that do not fit the factory's signature: required arguments
    missing (named, with the field that passes them), unknown names (with the ones it takes), and
    arguments it takes only by position. A callable without a readable signature (some built-ins)
    is left to the call."""
    field = FACTORY_FIELDS[section]
    name = reference.rsplit(":", 1)[-1]
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(**kwargs)
        return
    except TypeError:
        pass
    parameters = signature.parameters
    shown = f"{section}.{field} {name}{signature}"
    kinds = inspect.Parameter
    if not any(p.kind == kinds.VAR_KEYWORD for p in parameters.values()):
        unknown = [k for k in kwargs if k not in parameters or parameters[k].kind in (kinds.VAR_POSITIONAL,)]
        if unknown:
            takes = [p.name for p in parameters.values() if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)]
            raise ConfigError(f"{section}.kwargs: {shown} takes no argument {', '.join(unknown)}"
                              f"{'; it takes ' + ', '.join(takes) if takes else '; it takes no keyword arguments'}: fix the names in \"{section}\": {{\"kwargs\": …}}",
                              f"/{section}/kwargs", unknown=unknown)
    positional = [p.name for p in parameters.values() if p.kind == kinds.POSITIONAL_ONLY and p.default is p.empty]
    if positional:
        raise ConfigError(f"{shown} takes {', '.join(positional)} by position only, which a config cannot pass: give them defaults, "
                          f"or name a function that takes keyword arguments (e.g. {name}_for_config = lambda {', '.join(positional)}: {name}({', '.join(positional)}))",
                          f"/{section}/{field}")
    missing = [p.name for p in parameters.values() if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY) and p.default is p.empty and p.name not in kwargs]
    if missing:
        raise ConfigError(f"{shown} needs {', '.join(missing)}: pass {'them' if len(missing) > 1 else 'it'} in \"{section}\": {{\"kwargs\": {{{_example(missing)}}}}}",
                          f"/{section}/kwargs" if kwargs else f"/{section}/{field}", missing=missing)


def seed_everything(seed: int) -> None:
    """Seeds torch (CPU and every CUDA device), numpy's global generator and Python's random, as a
    factory that draws random numbers without a generator of its own reads them."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


def log(message: str) -> None:
    """A line of the run's log (the backend's stderr: the output channel, or the CLI's stderr)."""
    print(message, file=sys.stderr, flush=True)


# ---- device, dtype, threads -----------------------------------------------------------------------
def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def available_devices() -> list[str]:
    """The runtime.device values this machine can honour: auto, cpu, then cuda, cuda:N and mps when present."""
    names = ["auto", "cpu"]
    if torch.cuda.is_available():
        names += ["cuda"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if _mps_available():
        names.append("mps")
    return names


def _device_choices() -> str:
    return ", ".join(f'"{name}"' for name in available_devices())


def choose_device(runtime: dict[str, Any]) -> torch.device:
    """runtime.device: auto (CUDA when available, else CPU), cpu, cuda, cuda:N, mps (Apple's GPU)."""
    wanted = (runtime or {}).get("device", "auto") or "auto"
    if wanted == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if wanted == "cpu":
        return torch.device("cpu")
    if isinstance(wanted, str) and (wanted == "cuda" or wanted.startswith("cuda:")):
        if not torch.cuda.is_available():
            raise EnvironmentProblem(f'runtime.device "{wanted}": CUDA is not available to this torch ({torch.__version__}); on this machine use {_device_choices()}',
                                     {"field": "/runtime/device", "available": available_devices()})
        index = int(wanted.split(":", 1)[1]) if ":" in wanted and wanted.split(":", 1)[1].isdigit() else 0
        if index >= torch.cuda.device_count():
            raise EnvironmentProblem(f'runtime.device "{wanted}": this machine has {torch.cuda.device_count()} CUDA device(s), numbered from 0; use {_device_choices()}',
                                     {"field": "/runtime/device", "available": available_devices()})
        return torch.device(wanted)
    if wanted == "mps":
        if not _mps_available():
            raise EnvironmentProblem(f'runtime.device "mps": this torch ({torch.__version__}) has no MPS device (Apple silicon GPU) on this machine; use {_device_choices()}',
                                     {"field": "/runtime/device", "available": available_devices()})
        return torch.device("mps")
    raise ConfigError(f'runtime.device {json.dumps(wanted)}: use "auto", "cpu", "cuda", "cuda:N" or "mps"; this machine has {_device_choices()}', "/runtime/device",
                      available=available_devices())


def apply_threads(runtime: dict[str, Any]) -> Optional[int]:
    """runtime.threads: torch's and OpenBLAS's threads, at most the machine's cores (more only adds
    threads that wait for a core, and thousands of them keep the backend from starting); 0 leaves
    torch's default. Returns the count set."""
    threads = (runtime or {}).get("threads", 0) or 0
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 0:
        raise ConfigError(f"runtime.threads {threads!r}: use a whole number ≥ 0 (0: every core)", "/runtime/threads")
    if threads == 0:
        return None
    cores = os.cpu_count() or 1
    if threads > cores:
        print(f"runtime.threads {threads}: this machine has {cores} cores; using {cores} threads", file=sys.stderr, flush=True)
        threads = cores
    set_threads(threads)
    return threads


# ---- checkpoints ----------------------------------------------------------------------------------
# Every checkpoint the backend reads (model.weights, analyses.landscape.to, the files of
# analyses.landscape.trajectory, the state a cluster worker receives) goes through
# load_state_dict_file or load_weights_only: a pickle is unpickled with torch.load(weights_only=True),
# which builds tensors and plain containers and refuses any other class (or, where that torch's
# weights-only reader lacks an opcode, by torch's loader with the standard unpickler restricted to
# the same classes), and a TorchScript archive is refused, so a downloaded checkpoint cannot run
# code. Full unpickling only with "model": {"trustCheckpoint": true}. A .safetensors file holds no
# code; its header is checked against the file's size before anything is read.
TRUST_FIELD = "/model/trustCheckpoint"
SAFETENSORS_HEADER_LIMIT = 100 * 1024 * 1024
"""Largest .safetensors header read (the format's own reader stops at 100 MB too)."""

_SAFETENSORS_DTYPES = {
    "F64": (torch.float64, "<f8"), "F32": (torch.float32, "<f4"), "F16": (torch.float16, "<f2"),
    "I64": (torch.int64, "<i8"), "I32": (torch.int32, "<i4"), "I16": (torch.int16, "<i2"), "I8": (torch.int8, "i1"),
    "U8": (torch.uint8, "u1"), "BOOL": (torch.bool, "?"),
}
_SAFETENSORS_SIZES = {**{name: np.dtype(kind).itemsize for name, (_, kind) in _SAFETENSORS_DTYPES.items()}, "BF16": 2}


class CheckpointError(ValueError):
    """A weights file that is damaged or not what its extension says; the message says what is wrong."""


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _claimed_bytes(shape: list[int], item_size: int, limit: int) -> int:
    """Bytes a shape of items needs, or limit + 1 as soon as the product passes limit (a claimed shape
    of 10⁹ × 10⁹ costs nothing to refuse)."""
    if 0 in shape:
        return 0
    total = item_size
    for extent in shape:
        total *= extent
        if total > limit:
            return limit + 1
    return total


def safetensors_header(path: str) -> tuple[dict[str, dict[str, Any]], int]:
    """The tensors a .safetensors file declares ({name: {dtype, shape, start, end}}, offsets into the
    body) and where the body starts, read from the first 8 + header bytes only and checked against
    the file's size before anything is allocated: a header length inside the file (and at most
    100 MB), a JSON object, known dtypes, shapes of whole numbers ≥ 0, data_offsets [start, end]
    with 0 ≤ start ≤ end ≤ the body's length, end − start = product(shape) × the dtype's size, and
    no two tensors sharing bytes."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise CheckpointError(f"the file is {size} bytes, shorter than the 8-byte header length that starts a .safetensors file")
        (length,) = struct.unpack("<Q", prefix)
        if length > size - 8:
            raise CheckpointError(f"its header length {length} runs past the end of the file ({size} bytes): the file is truncated or not .safetensors")
        if length > SAFETENSORS_HEADER_LIMIT:
            raise CheckpointError(f"its header length {length} is above the {SAFETENSORS_HEADER_LIMIT}-byte limit of .safetensors headers")
        raw = handle.read(length)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CheckpointError(f"its header is not JSON ({exc})") from exc
    if not isinstance(header, dict):
        raise CheckpointError(f"its header is a JSON {type(header).__name__}, not an object of tensors")
    body = size - 8 - length
    tensors: dict[str, dict[str, Any]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            if not isinstance(info, dict):
                raise CheckpointError("its __metadata__ is not an object")
            continue
        if not isinstance(info, dict):
            raise CheckpointError(f'tensor "{name}" is described by a {type(info).__name__}, not {{"dtype", "shape", "data_offsets"}}')
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if not isinstance(dtype, str) or dtype not in _SAFETENSORS_SIZES:
            raise CheckpointError(f'tensor "{name}" has dtype {json.dumps(dtype)}, which this reader does not know (it reads {", ".join(sorted(_SAFETENSORS_SIZES))})')
        if not isinstance(shape, list) or not all(_whole_number(extent) and extent >= 0 for extent in shape):
            raise CheckpointError(f'tensor "{name}" has shape {json.dumps(shape)}: a shape is a list of whole numbers ≥ 0')
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(_whole_number(o) for o in offsets):
            raise CheckpointError(f'tensor "{name}" has data_offsets {json.dumps(offsets)}: data_offsets are two whole numbers [start, end]')
        start, end = offsets
        if not 0 <= start <= end <= body:
            raise CheckpointError(f'tensor "{name}" has data_offsets [{start}, {end}] outside the file\'s {body} bytes of tensor data: the file is truncated or damaged')
        needed = _claimed_bytes(shape, _SAFETENSORS_SIZES[dtype], body)
        if needed != end - start:
            claim = f"more than the file's {body} bytes of tensor data" if needed > body else f"{needed} bytes"
            raise CheckpointError(f'tensor "{name}" of shape {shape} and dtype {dtype} needs {claim}, but its data_offsets [{start}, {end}] hold {end - start}')
        tensors[name] = {"dtype": dtype, "shape": shape, "start": start, "end": end}
    previous: Optional[tuple[str, int]] = None
    for name, entry in sorted(tensors.items(), key=lambda item: (item[1]["start"], item[1]["end"])):
        if previous is not None and entry["start"] < previous[1]:
            raise CheckpointError(f'tensors "{previous[0]}" and "{name}" share bytes (data_offsets overlap): the file is damaged')
        if previous is None or entry["end"] >= previous[1]:
            previous = (name, entry["end"])
    return tensors, 8 + length


def read_safetensors(path: str) -> dict[str, torch.Tensor]:
    """A .safetensors file's tensors, parsed by hand: an 8-byte little-endian header length, a JSON
    header {name: {dtype, shape, data_offsets}} (checked by safetensors_header), then the raw
    little-endian data, read through a memory map and copied once per tensor (BF16 widened to float32)."""
    tensors, data_start = safetensors_header(path)
    out: dict[str, torch.Tensor] = {}
    if not tensors:
        return out
    mapped = np.memmap(path, dtype=np.uint8, mode="r")
    try:
        for name, entry in tensors.items():
            chunk = mapped[data_start + entry["start"] : data_start + entry["end"]]
            if entry["dtype"] == "BF16":
                array = (np.asarray(chunk).view("<u2").astype(np.uint32) << 16).view(np.float32)
            else:
                array = np.array(np.asarray(chunk).view(_SAFETENSORS_DTYPES[entry["dtype"]][1]))
            out[name] = torch.from_numpy(array).reshape(entry["shape"])
    finally:
        del mapped
    return out


def _load_safetensors(path: str) -> dict[str, torch.Tensor]:
    """The safetensors package's reader when importable (its dtypes), after the same header checks; else read_safetensors."""
    try:
        from safetensors.torch import load_file  # type: ignore[import-not-found]
    except ImportError:
        return read_safetensors(path)
    safetensors_header(path)
    return dict(load_file(path))


def _weights_only_supported() -> bool:
    try:
        return "weights_only" in inspect.signature(torch.load).parameters
    except (TypeError, ValueError):
        return False


class UnsafeCheckpoint(pickle.UnpicklingError):
    """A pickle that asks for a class or function outside the weights-only list."""


def _allowed_globals() -> dict[str, Any]:
    """What a weights-only unpickling may construct: torch's own list (tensors, storages, dtypes,
    torch.Size, Parameter, OrderedDict, torch._utils' rebuild functions), or the same names where
    this torch has no such list."""
    try:
        from torch._weights_only_unpickler import _get_allowed_globals

        return dict(_get_allowed_globals())
    except (ImportError, AttributeError):
        pass
    allowed: dict[str, Any] = {"collections.OrderedDict": collections.OrderedDict, "torch.nn.parameter.Parameter": torch.nn.Parameter,
                               "torch.Size": torch.Size, "torch.Tensor": torch.Tensor}
    for name in ("_get_layout",):
        if hasattr(torch.serialization, name):
            allowed[f"torch.serialization.{name}"] = getattr(torch.serialization, name)
    for dtype in (torch.float16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32, torch.int64, torch.complex64, torch.complex128):
        allowed[str(dtype)] = dtype
    for kind in list(getattr(torch, "_tensor_classes", ())) + list(getattr(torch, "_storage_classes", ())):
        allowed[f"{kind.__module__}.{kind.__name__}"] = kind
    for name in ("_rebuild_parameter", "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_sparse_tensor", "_rebuild_meta_tensor_no_storage", "_rebuild_sparse_csr_tensor"):
        if hasattr(torch._utils, name):
            allowed[f"torch._utils.{name}"] = getattr(torch._utils, name)
    return allowed


class _WeightsUnpickler(pickle.Unpickler):
    """The standard unpickler with every global looked up in the weights-only list ("Restricting
    Globals" in the pickle module's documentation): each opcode, but no other class or function."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _allowed_globals()
        key = f"{module}.{name}"
        if key in allowed:
            return allowed[key]
        raise UnsafeCheckpoint(f"Unsupported class {key}")


class _WeightsPickleModule:
    """A pickle module whose unpickler is the restricted one, for torch's loaders."""

    __name__ = "landscape_lens_weights_only"
    Unpickler = _WeightsUnpickler
    UnpicklingError = pickle.UnpicklingError

    @staticmethod
    def load(file: Any, **kwargs: Any) -> Any:
        return _WeightsUnpickler(file, **kwargs).load()


def _restricted_torch_load(source: Any) -> Any:
    """torch.load's own steps (zip or legacy format) with the restricted unpickler. torch.load itself
    cannot be asked: torch 1.13 replaces any pickle_module by the standard pickle when weights_only
    is false. The steps are torch's private functions; where they differ, the file is refused."""
    serialization = torch.serialization
    try:
        with serialization._open_file_like(source, "rb") as opened:
            if serialization._is_zipfile(opened):
                with serialization._open_zipfile_reader(opened) as archive:
                    return serialization._load(archive, "cpu", _WeightsPickleModule, encoding="utf-8")
            return serialization._legacy_load(opened, "cpu", _WeightsPickleModule, encoding="utf-8")
    except AttributeError as exc:
        raise UnsafeCheckpoint(f"this torch ({torch.__version__}) unpickles weights only with a reader that cannot read this file ({exc})") from exc


def _torchscript_archive(source: Any) -> bool:
    """Whether a file is a TorchScript archive (torch.jit.save: a zip with constants.pkl), which
    torch.load would hand to torch.jit.load, running the archive's code."""
    if not isinstance(source, (str, os.PathLike)) or not zipfile.is_zipfile(source):
        return False
    try:
        with zipfile.ZipFile(source) as archive:
            return any(name == "constants.pkl" or name.endswith("/constants.pkl") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def load_weights_only(source: Any) -> Any:
    """torch.load of tensors, numbers, strings and plain containers only, no other class (so no code
    from the file runs): torch.load(weights_only=True); where that torch's weights-only unpickler
    lacks an opcode (torch 1.13 reads no floats, such as an optimizer's lr) or weights_only is
    missing (before 1.13), torch's loader with the standard unpickler restricted to the same globals."""
    if _torchscript_archive(source):
        raise UnsafeCheckpoint("a TorchScript archive (torch.jit.save), whose code runs when it loads")
    if _weights_only_supported():
        try:
            return torch.load(source, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError as exc:
            if "Unsupported operand" not in str(exc):
                raise
            if hasattr(source, "seek"):
                source.seek(0)
    return _restricted_torch_load(source)


def _unsafe_reason(exc: BaseException) -> Optional[str]:
    """What a weights-only unpickling refused ("Unsupported class io.open"), or None for another failure."""
    text = str(exc)
    if isinstance(exc, UnsafeCheckpoint):
        return text
    if isinstance(exc, pickle.UnpicklingError) and ("Weights only load failed" in text or "WeightsUnpickler" in text):
        detail = text.split("WeightsUnpickler error:", 1)[-1] if "WeightsUnpickler error:" in text else text
        return detail.strip().splitlines()[0].strip()
    return None


def _torch_checkpoint(path: str, label: str, field: str, trust: bool) -> Any:
    """A .pt/.pth file: weights-only unpickling, or full unpickling when the config trusts its checkpoints."""
    if trust:
        if _torchscript_archive(path):
            return torch.jit.load(path, map_location="cpu")
        return torch.load(path, map_location="cpu", **({"weights_only": False} if _weights_only_supported() else {}))
    try:
        return load_weights_only(path)
    except pickle.UnpicklingError as exc:
        reason = _unsafe_reason(exc)
        if reason is None:
            raise
        raise ConfigError(f"{label}: {path} not loaded: it holds more than tensors and plain containers ({reason}), and unpickling it in full "
                          f"could run code from the file. Save model.state_dict() with torch.save or as .safetensors, or, only for a file you "
                          f'made or trust, set "model": {{"trustCheckpoint": true}} (loading then runs the code the file holds)',
                          field, file=path, reason=reason, optIn=TRUST_FIELD) from exc


def load_state_dict_file(path: str, field: str, trust: bool = False) -> dict[str, torch.Tensor]:
    """A state_dict from .pt/.pth/.ckpt (torch.save; inside a checkpoint's container as
    checkpoint_layouts.find_state_dict finds it: Lightning's "state_dict", "model_state_dict",
    "model", …, said in the run's log) or .safetensors (header checked; the safetensors package when
    importable, else parsed by hand). A whole pickled module, or anything else that needs full
    unpickling, only with trust ("model": {"trustCheckpoint": true})."""
    label = field[1:].replace("/", ".")
    if not os.path.isfile(path):
        raise ConfigError(f"{label}: {path} does not exist (paths are relative to the config's folder)", field)
    try:
        if path.endswith(".safetensors"):
            loaded: Any = _load_safetensors(path)
        else:
            loaded = _torch_checkpoint(path, label, field, trust)
    except ConfigError:
        raise
    except CheckpointError as exc:
        raise ConfigError(f"{label}: {path} is not a valid .safetensors file: {exc}", field, file=path) from exc
    except Exception as exc:
        raise ConfigError(f"{label}: cannot read {path}: {type(exc).__name__}: {exc}", field, file=path) from exc
    state, where = find_state_dict(loaded)
    if state is None:
        raise ConfigError(f"{label}: {path} holds {describe_container(loaded)}, not a state_dict of tensors, and none under "
                          f"{', '.join(repr(k) for k in CONTAINER_KEYS)}: save model.state_dict() (or a dict holding it under \"state_dict\")", field, file=path)
    if where is not None:
        log(f"{label}: {os.path.basename(path)}: {where}")
    return state


def trusts_checkpoints(config: dict[str, Any]) -> bool:
    """model.trustCheckpoint: true (and only a literal true) allows full unpickling of this config's checkpoints."""
    model = config.get("model")
    return isinstance(model, dict) and model.get("trustCheckpoint") is True


def _listing(keys: list[str], limit: int = 12) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def check_state_dict(model: torch.nn.Module, state: dict[str, torch.Tensor], strict: bool, path: str, field: str) -> dict[str, torch.Tensor]:
    """The state_dict with its keys fitted to the model's (checkpoint_layouts.fit_keys: a prefix
    such as Lightning's "model.", DataParallel's "module." or torch.compile's "_orig_mod." stripped
    or added when that fills more of the model; said in the run's log); missing or unexpected keys
    (strict) and shape mismatches (always) are config errors naming them."""
    expected = model.state_dict()
    label = field[1:].replace("/", ".")
    state, renamed = fit_keys(state, expected)
    if renamed is not None:
        log(f"{label}: {os.path.basename(path)}: {renamed}")
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


def load_weights(model: torch.nn.Module, path: str, strict: bool, field: str, trust: bool = False) -> None:
    state = check_state_dict(model, load_state_dict_file(path, field, trust), strict, path, field)
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


DATASET_ITEM_LIMIT = 10_000_000
"""Items of a Dataset read without data.samples; above it, the run asks for data.samples rather than
reading (and stacking) them all."""


def _is_pair_of_tensors(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and len(value) == 2 and not hasattr(value, "_fields") and _as_tensor(value[0]) is not None and _as_tensor(value[1]) is not None


def _is_dataset(value: Any) -> bool:
    return hasattr(value, "__getitem__") and hasattr(value, "__len__") and not isinstance(value, (str, bytes, dict, tuple, list, torch.Tensor, np.ndarray))


def dataset_tensors(value: Any, reference: str, samples: Optional[int] = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, targets) from what a data factory returned: a pair of tensors (or numpy arrays),
    or a map-style Dataset of (input, target) items, stacked: only the first `samples` items are
    read (data.samples), so a Dataset's length costs nothing until its items are kept."""
    field = "/data/factory"
    if isinstance(value, (tuple, list)) and len(value) == 2:
        inputs, targets = _as_tensor(value[0]), _as_tensor(value[1])
        if inputs is None or targets is None:
            raise ConfigError(f"data.factory {reference} returned a pair of {type(value[0]).__name__} and {type(value[1]).__name__}: return (inputs, targets) as tensors, or a torch.utils.data.Dataset", field)
    elif _is_dataset(value):
        items = dataset_items(value, reference, samples)
        xs, ys = [], []
        for i, item in enumerate(items):
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
    if inputs.shape[0] == 0:
        raise ConfigError(f"data.factory {reference} returned 0 rows (inputs {tuple(inputs.shape)}, targets {tuple(targets.shape)}): return the data to analyse", field)
    return inputs, targets


def dataset_items(value: Any, reference: str, samples: Optional[int] = None) -> list[Any]:
    """The first `samples` items (all without data.samples) of a map-style Dataset (read by
    index: its length costs nothing) or of an iterable one (read in order, the rest never drawn)."""
    field = "/data/factory"
    if _is_dataset(value):
        length = len(value)
        if length == 0:
            raise ConfigError(f"data.factory {reference} returned an empty Dataset (0 items): return the data to analyse", field)
        if samples is None and length > DATASET_ITEM_LIMIT:
            raise ConfigError(f"data.factory {reference} returned a Dataset of {length:,} items, above the {DATASET_ITEM_LIMIT:,} read without a limit: "
                              f"set data.samples to the number of items to use (the first N are read)", "/data/samples", items=length)
        count = length if samples is None else min(samples, length)
        return [value[i] for i in range(count)]
    limit = samples if samples is not None else DATASET_ITEM_LIMIT + 1
    items = []
    for item in value:
        if len(items) >= limit:
            break
        items.append(item)
    if samples is None and len(items) > DATASET_ITEM_LIMIT:
        raise ConfigError(f"data.factory {reference} returned an iterable Dataset of more than {DATASET_ITEM_LIMIT:,} items, above the number read without a limit: "
                          f"set data.samples to the number of items to use (the first N are read)", "/data/samples")
    if not items:
        raise ConfigError(f"data.factory {reference} returned an iterable that yields no items: return the data to analyse", field)
    return items


class Structured:
    """Structured data as a factory gave it: items to collate (a Dataset of tuples or dicts, or
    (inputs, targets) with tuple or dict inputs, cut into rows), or a DataLoader's batches."""

    def __init__(self, items: Optional[list[Any]] = None, loader_batches: Optional[list[Any]] = None) -> None:
        self.items = items
        self.loader_batches = loader_batches


def _rows_of(value: Any) -> list[Any]:
    """A batch held whole ((inputs, targets) with tuple or dict inputs) as its rows, one item each."""
    from . import batches

    count = batches.rows(value)
    return [batches.select(value, i) for i in range(count)]


def factory_data(value: Any, reference: str, samples: Optional[int] = None) -> Any:
    """What a data factory returned, read: (inputs, targets) tensors when it is two tensors or a
    Dataset of (tensor, tensor) pairs (stacked, the fast path); else a Structured of items or of a
    DataLoader's batches. data.samples: only the first N items (or rows of a DataLoader's batches)
    are read."""
    field = "/data/factory"
    if isinstance(value, torch.utils.data.DataLoader):
        kept, seen = [], 0
        from . import batches

        for batch in value:
            if samples is not None and seen >= samples:
                break
            count = batches.rows(batch)
            if samples is not None and seen + count > samples:
                batch = batches.select(batch, slice(0, samples - seen))
                count = samples - seen
            kept.append(batch)
            seen += count
        if not kept or seen == 0:
            raise ConfigError(f"data.factory {reference} returned a DataLoader that yields no rows: return the data to analyse", field)
        return Structured(loader_batches=kept)
    if isinstance(value, (tuple, list)) and len(value) == 2 and not hasattr(value, "_fields"):
        if _is_pair_of_tensors(value):
            return dataset_tensors(value, reference, samples)
        inputs, targets = value
        if isinstance(inputs, (tuple, list, collections.abc.Mapping)) and _as_tensor(targets) is not None:
            from . import batches

            whole = (inputs, _as_tensor(targets))
            counts = {int(t.shape[0]) for t in batches.tensors(whole) if t.dim() > 0}
            if len(counts) != 1:
                raise ConfigError(f"data.factory {reference} returned inputs and targets with different numbers of rows ({batches.describe(whole)}): "
                                  "every tensor's first dimension must be the rows", field)
            if samples is not None:
                whole = batches.select(whole, slice(0, samples))
            return Structured(items=_rows_of(whole))
        return dataset_tensors(value, reference, samples)  # its message names what the pair holds
    if _is_dataset(value) or (isinstance(value, torch.utils.data.IterableDataset) or (hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict, torch.Tensor, np.ndarray)))):
        items = dataset_items(value, reference, samples)
        if all(_is_pair_of_tensors(item) for item in items[:1]) and all(_is_pair_of_tensors(item) for item in items):
            return dataset_tensors(_ItemList(items), reference, None)
        return Structured(items=items)
    return dataset_tensors(value, reference, samples)


class _ItemList:
    """Items already read, as a map-style Dataset."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Any:
        return self.items[index]


def structured_splits(data: Structured, test_fraction: float, seed: int, batch_size: Optional[int], reference: str) -> tuple[list[Any], Optional[list[Any]]]:
    """(training batches, test batches or None) of structured data: items split by the engine's
    seeded permutation (as split_rows splits rows) and collated in batches of data.batchSize; a
    DataLoader's batches as they come, whole batches held out for the test set."""
    from . import batches

    if data.loader_batches is not None:
        listed = data.loader_batches
        if test_fraction <= 0:
            return listed, None
        held = max(1, int(len(listed) * test_fraction))
        if held >= len(listed):
            raise ConfigError(f"data.testFraction {test_fraction} leaves no training batches out of the DataLoader's {len(listed)}: a DataLoader's test set is whole batches; "
                              "use 0 (no test set), a smaller fraction or smaller batches", "/data/testFraction")
        order = torch.randperm(len(listed), generator=torch.Generator().manual_seed(seed + 1)).tolist()
        return [listed[k] for k in sorted(order[: len(listed) - held])], [listed[k] for k in sorted(order[len(listed) - held :])]
    items = data.items or []
    count = len(items)
    if test_fraction > 0:
        test_count = max(1, int(count * test_fraction))
        if test_count >= count:
            fix = "use a value below 1" if test_fraction >= 1 else "use 0 (no test set) or more items (data.factory, data.samples)"
            raise ConfigError(f"data.testFraction {test_fraction} leaves no training items out of {count}: {fix}", "/data/testFraction")
        order = torch.randperm(count, generator=torch.Generator().manual_seed(seed + 1)).tolist()
        train_items, test_items = [items[k] for k in order[: count - test_count]], [items[k] for k in order[count - test_count :]]
    else:
        train_items, test_items = items, []
    step = batch_size if batch_size and batch_size > 0 else None

    def collated(chosen: list[Any]) -> list[Any]:
        size = step or len(chosen)
        out = []
        for start in range(0, len(chosen), size):
            try:
                out.append(batches.collate(chosen[start : start + size]))
            except (TypeError, RuntimeError) as exc:
                raise ConfigError(f"data.factory {reference}: items {start}…{start + size - 1} cannot be collated into a batch ({exc}); items must be tensors, numbers, "
                                  "numpy arrays, or tuples, lists and dicts of them, of one shape per field (pad sequences to one length, or return a DataLoader "
                                  "with a collate_fn of your own)", "/data/factory") from exc
        return out

    return collated(train_items), (collated(test_items) if test_items else None)


def check_finite_batches(listed: list[Any], reference: str) -> None:
    """NaN or infinite values in any floating tensor of structured data: a config error naming where."""
    from . import batches

    for number, batch in enumerate(listed):
        for tensor in batches.tensors(batch):
            if (torch.is_floating_point(tensor) or tensor.is_complex()) and not bool(torch.isfinite(tensor).all()):
                count = int((~torch.isfinite(tensor)).sum())
                raise ConfigError(f"data.factory {reference}: batch {number} holds {count} non-finite value{'s' if count != 1 else ''} (NaN or infinite) in a tensor "
                                  f"{batches.describe(tensor)} of {batches.describe(batch)}: clean the data or drop those items", "/data/factory", values=count)


def _row_list(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def check_finite(inputs: torch.Tensor, targets: torch.Tensor, reference: str) -> None:
    """NaN or infinite inputs or targets are a config error naming the tensor and its rows (numbered
    from 0, as the factory returned them), instead of NaN losses or a failed eigensolver later."""
    for name, tensor in (("inputs", inputs), ("targets", targets)):
        if not (torch.is_floating_point(tensor) or tensor.is_complex()):
            continue
        bad = ~torch.isfinite(tensor)
        count = int(bad.sum())
        if count == 0:
            continue
        nan = int(torch.isnan(tensor).sum())
        rows = bad.reshape(bad.shape[0], -1).any(dim=1).nonzero().flatten().tolist()
        kinds = " and ".join(part for part in (f"{nan} NaN" if nan else "", f"{count - nan} infinite" if count > nan else "") if part)
        raise ConfigError(f"data.factory {reference}: {name} hold {count} non-finite value{'s' if count != 1 else ''} ({kinds}) in "
                          f"{'row' if len(rows) == 1 else 'rows'} {_row_list(rows)} (numbered from 0): clean the data or drop those rows",
                          "/data/factory", tensor=name, rows=rows[:1000], values=count)


def split_rows(inputs: torch.Tensor, targets: torch.Tensor, test_fraction: float, seed: int):
    """The engine's split: a seeded permutation (torch.Generator seeded with seed + 1); the last
    ⌊rows·testFraction⌋ rows (at least one when testFraction > 0) are the test set."""
    rows = inputs.shape[0]
    if test_fraction <= 0:
        return (inputs, targets), None
    test_rows = max(1, int(rows * test_fraction))
    if test_rows >= rows:
        fix = "use a value below 1" if test_fraction >= 1 else "use 0 (no test set) or more rows (data.factory, data.samples)"
        raise ConfigError(f"data.testFraction {test_fraction} leaves no training rows out of {rows}: {fix}", "/data/testFraction")
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


def make_batch_loss(loader: Loader, reference: Any) -> LossFunction:
    """model.batchLoss: "file.py:function" taking (model, batch) and returning the batch's mean
    loss as a scalar tensor (checked by Problem.forward)."""
    fn, name = loader.function(reference, "/model/batchLoss")
    return LossFunction(name, fn, summed=False)


# ---- everything -----------------------------------------------------------------------------------
def load_problem(config: dict[str, Any], base_dir: str, user_files: Optional[UserFiles] = None) -> tuple[Problem, Loader]:
    """The Problem a config describes: model (+ weights, dtype, device, mode), loss and data."""
    loader = Loader(base_dir, user_files)
    loader.trust_checkpoint = trusts_checkpoints(config)
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
    model_kwargs = factory_kwargs(model_config, "model")
    data_kwargs = factory_kwargs(data_config, "data")
    model = loader.call_factory(model_fn, model_ref, "model", model_kwargs, seed)
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
        load_weights(model, loader.path(model_config["weights"]), model_config.get("strict", True) is not False, "/model/weights", loader.trust_checkpoint)
    mode = model_config.get("mode", "eval")
    if mode not in ("eval", "train"):
        raise ConfigError(f'model.mode "{mode}": use "eval" (BatchNorm and Dropout in evaluation mode) or "train"', "/model/mode")
    if mode == "train":
        random_layers = sorted({type(m).__name__ for m in model.modules() if isinstance(m, RANDOM_LAYERS)})
        drawn = f"{', '.join(random_layers)} with masks" if random_layers else "the forward's random draws (F.dropout)"
        log(f'model.mode "train": {drawn} fixed per evaluation batch, seeded by seed {seed}, so every analysis sees one function '
            f"(the same point gives the same loss); training steps draw new masks; BatchNorm uses each batch's statistics")
    loss = make_loss(loader, model_config.get("loss", "mse"))

    samples = data_config.get("samples")
    if samples is not None and (not isinstance(samples, int) or isinstance(samples, bool) or samples < 1):
        raise ConfigError(f"data.samples {samples!r}: use a whole number ≥ 1 (the first N rows are kept)", "/data/samples")
    batch_loss = make_batch_loss(loader, model_config["batchLoss"]) if model_config.get("batchLoss") else None
    data_fn, data_ref = loader.function(data_config["factory"], "/data/factory")
    read = factory_data(loader.call_factory(data_fn, data_ref, "data", data_kwargs, seed + DATA_SEED_OFFSET), data_ref, samples)
    test_fraction = data_config.get("testFraction", 0.2)
    batch_size = data_config.get("batchSize")
    if isinstance(read, Structured):
        from . import batches

        train_batches, test_batches = structured_splits(read, float(test_fraction), seed, batch_size, data_ref)
        check_finite_batches(train_batches + (test_batches or []), data_ref)
        train: Any = [batches.to(b, device, dtype) for b in train_batches]
        held: Any = [batches.to(b, device, dtype) for b in test_batches] if test_batches else None
        shown = f"batches {batches.describe(train_batches[0])}"
    else:
        inputs, targets = read
        if samples is not None:
            inputs, targets = inputs[:samples], targets[:samples]
        check_finite(inputs, targets, data_ref)
        (train_x, train_y), test = split_rows(inputs, targets, float(test_fraction), seed)

        def place(x: torch.Tensor) -> torch.Tensor:
            x = x.to(device)
            return x.to(dtype) if torch.is_floating_point(x) else x

        train = (place(train_x), place(train_y))
        held = (place(test[0]), place(test[1])) if test is not None else None
        shown = f"inputs {tuple(train_x.shape)}, targets {tuple(train_y.shape)}"
    try:
        problem = Problem(model, loss, train, held, batch_size, mode, seed=seed, batch_loss=batch_loss, loss_given="loss" in model_config)
        # Problem's first probe (the forward and backward of one batch) ran in its constructor, so
        # a model that does not fit the data, or a loss that is not a scalar, fails at initialize
        # rather than mid-analysis.
    except ConfigError:
        raise
    except OutputError as exc:  # our code could not read the user's batch or output
        field = "/model/batchLoss" if batch_loss is not None else "/model/pytorch"
        raise ConfigError(f"model.pytorch {model_ref} on the data of data.factory {data_ref} ({shown}): {exc}", field) from exc
    except Exception as exc:
        error = classify(exc, loader.user_files, "evaluating the model on the data")
        if error.kind == "internal":  # no frame of the user's: the model and the data do not fit
            raise ConfigError(f"model.pytorch {model_ref} cannot evaluate the data of data.factory {data_ref} "
                              f"({shown}, loss {batch_loss.name if batch_loss is not None else loss.name}): {type(exc).__name__}: {exc}",
                              "/data/factory", traceback=error.data.get("traceback")) from exc
        raise error from exc
    return problem, loader
