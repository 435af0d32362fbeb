"""Checkpoints as frameworks save them: the state_dict inside a checkpoint's container, and its keys
fitted to the model's.

A training script rarely saves a bare ``model.state_dict()``: PyTorch Lightning saves
``{"state_dict": …, "epoch": …, "optimizer_states": …}`` with every key under the attribute that
holds the network (``model.0.weight``), a plain loop saves ``{"model": state_dict, "optimizer": …,
"epoch": …}``, DataParallel prefixes ``module.`` and ``torch.compile`` ``_orig_mod.``. These
functions find the tensors and fit the keys, and say what they did, so the run's log can tell the
user; they only look at what the safe loader (loading.load_state_dict_file) already read.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import torch

CONTAINER_KEYS = ("state_dict", "model_state_dict", "model", "module", "net", "ema")
"""Where checkpoints keep the model's tensors, in the order looked at: Lightning and most training
scripts' "state_dict", "model_state_dict", then "model", "module", "net", and an EMA copy last (the
trained weights come before their moving average when a checkpoint holds both)."""

KNOWN_PREFIXES = ("model.", "module.", "_orig_mod.", "net.")
"""Prefixes preferred when several fit equally well: Lightning's usual attribute, DataParallel and
DistributedDataParallel, torch.compile, and a common attribute name."""

_DEPTH = 3
"""How deep containers are searched ({"ema": {"module": state_dict}} is two levels)."""


def _tensors(value: Any) -> bool:
    return isinstance(value, dict) and len(value) > 0 and all(isinstance(k, str) for k in value) and all(isinstance(v, torch.Tensor) for v in value.values())


def _listing(keys: Iterable[str], limit: int = 6) -> str:
    keys = list(keys)
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def find_state_dict(loaded: Any) -> tuple[Optional[dict[str, torch.Tensor]], Optional[str]]:
    """(the state_dict, where it was found) in what a checkpoint file held: the value itself when it
    maps names to tensors, a whole module's state_dict(), or the first of CONTAINER_KEYS (searched
    up to three levels deep) that holds one. The description is None when the file held a bare
    state_dict; (None, None) when there is none."""

    def search(value: Any, path: list[str], depth: int) -> tuple[Optional[dict[str, torch.Tensor]], list[str]]:
        if isinstance(value, torch.nn.Module):
            return dict(value.state_dict()), path + ["a whole module"]
        if _tensors(value):
            return dict(value), path
        if not isinstance(value, dict) or depth >= _DEPTH:
            return None, path
        for key in CONTAINER_KEYS:
            if key in value:
                found, where = search(value[key], path + [key], depth + 1)
                if found is not None:
                    return found, where
        return None, path

    state, where = search(loaded, [], 0)
    if state is None:
        return None, None
    if not where:
        return state, None
    if where[-1] == "a whole module":
        inside = "".join(f'["{key}"]' for key in where[:-1])
        return state, f"the state_dict of a whole saved module{' under ' + inside if inside else ''}"
    others = [str(k) for k in loaded if k != where[0]] if isinstance(loaded, dict) else []
    beside = f" (beside {_listing(others)})" if others else ""
    return state, f'the state_dict under {"".join(f"[{key!r}]" for key in where)}{beside}'


def describe_container(loaded: Any) -> str:
    """What a checkpoint that holds no state_dict holds, for the error message."""
    if isinstance(loaded, dict):
        keys = [str(k) for k in loaded]
        return f"a dict with the keys {_listing(keys, 10)}" if keys else "an empty dict"
    return f"a {type(loaded).__name__}"


def _renamed(state: dict[str, torch.Tensor], strip: str, add: str) -> dict[str, torch.Tensor]:
    return {add + k[len(strip):]: v for k, v in state.items() if k.startswith(strip)}


def _score(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> int:
    """Keys of the model the state fills with a tensor of the right shape."""
    return sum(1 for k, v in expected.items() if k in state and tuple(state[k].shape) == tuple(v.shape))


def _candidates(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> set[tuple[str, str]]:
    """(prefix to strip, prefix to add) pairs that turn a state key into one of a few of the model's
    keys through their longest common tail cut at a dot ("model.0.weight" and "0.weight" give
    ("model.", ""); "0.weight" and "_orig_mod.0.weight" give ("", "_orig_mod."))."""
    prefixes_of: dict[str, list[str]] = {}
    for key in state:
        for cut in [0] + [i + 1 for i, char in enumerate(key) if char == "."]:
            prefixes_of.setdefault(key[cut:], []).append(key[:cut])
    names = list(expected)
    probes = {names[0], names[len(names) // 2], names[-1]}
    pairs: set[tuple[str, str]] = set()
    for target in probes:
        for cut in [0] + [i + 1 for i, char in enumerate(target) if char == "."]:
            strips = prefixes_of.get(target[cut:])
            if strips:
                pairs.update((strip, target[:cut]) for strip in strips if strip != target[:cut])
                break
    return pairs


def _known(part: str) -> bool:
    """Whether a prefix is made of KNOWN_PREFIXES only ("module._orig_mod." is)."""
    while part:
        match = next((p for p in KNOWN_PREFIXES if part.startswith(p)), None)
        if match is None:
            return False
        part = part[len(match):]
    return True


def _preference(pair: tuple[str, str]) -> tuple[int, int, tuple[str, str]]:
    """Known prefixes first, then the shortest renaming, then by name (a stable order)."""
    return (0 if _known(pair[0]) and _known(pair[1]) else 1, len(pair[0]) + len(pair[1]), pair)


def fit_keys(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], Optional[str]]:
    """The state with its keys renamed to fit the model's (`expected`, the model's state_dict) when a
    common prefix stands between them, and what was done (None when the keys fit as they are or no
    renaming fits better). A prefix is stripped ("model.", "module.", "_orig_mod.", or any other that
    fits), added (the model is wrapped, e.g. by torch.compile, and the checkpoint is not), or both;
    keys outside a stripped prefix (a Lightning module's other parts) are left out and named. The
    renaming is kept only when it fills more of the model's keys, with the right shapes, than the
    keys as they are."""
    if not state or not expected or all(k in state for k in expected):
        return state, None
    best, best_score, best_pair = state, _score(state, expected), None
    for pair in sorted(_candidates(state, expected), key=_preference):
        renamed = _renamed(state, *pair)
        score = _score(renamed, expected)
        if score > best_score:
            best, best_score, best_pair = renamed, score, pair
    if best_pair is None:
        return state, None
    strip, add = best_pair
    parts = []
    if strip:
        parts.append(f'key prefix "{strip}" removed')
    if add:
        parts.append(f'key prefix "{add}" added (the model\'s own keys carry it)')
    left_out = [k for k in state if not k.startswith(strip)]
    if left_out:
        parts.append(f"{len(left_out)} key{'s' if len(left_out) != 1 else ''} outside it left out ({_listing(left_out)})")
    return best, "; ".join(parts)
