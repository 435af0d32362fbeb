"""An exact, faster copy of a model's forward for evaluation, rewritten on its torch.fx graph:

- a convolution followed by evaluation-mode BatchNorm becomes one convolution: with running
  statistics μ, σ² and affine γ, β, BatchNorm(conv(x; W, b)) = conv(x; W', b') where W' = W·s per
  output channel, b' = (b − μ)·s + β, s = γ/√(σ² + ε) (Ioffe & Szegedy 2015, the inference
  transform); W' and b' are computed from the current parameters at every call, so the copy stays
  exact while the landscape moves the weights;
- a ReLU whose input is a fresh tensor used by nothing else runs in place;
- a 2×2, stride-2 max-pooling of a channels-last tensor is taken as the maximum of its four
  strided quarter views (the same values as max_pool2d, NaN included, without its slow kernel).

The copy shares the model's modules and parameters. A model fx cannot trace is left as it is.
"""

from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

CONVOLUTIONS = {torch.nn.Conv1d: torch.nn.BatchNorm1d, torch.nn.Conv2d: torch.nn.BatchNorm2d, torch.nn.Conv3d: torch.nn.BatchNorm3d}
FRESH_OUTPUT = (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.Linear, torch.nn.BatchNorm1d, torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)


class FoldedConvBatchNorm(torch.nn.Module):
    def __init__(self, conv: torch.nn.Module, norm: torch.nn.Module) -> None:
        super().__init__()
        self.conv = conv
        self.norm = norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        norm, conv = self.norm, self.conv
        scale = torch.rsqrt(norm.running_var + norm.eps)
        if norm.weight is not None:
            scale = scale * norm.weight
        shape = (-1,) + (1,) * (conv.weight.dim() - 1)
        weight = conv.weight * scale.reshape(shape)
        bias = -norm.running_mean * scale if conv.bias is None else (conv.bias - norm.running_mean) * scale
        if norm.bias is not None:
            bias = bias + norm.bias
        return conv._conv_forward(x, weight, bias)


def max_pool_2x2(x: torch.Tensor) -> torch.Tensor:
    """max_pool2d(x, 2) of an (N, C, H, W) tensor; the fast path for channels-last input."""
    if x.dim() != 4 or not x.is_contiguous(memory_format=torch.channels_last) or x.shape[2] < 2 or x.shape[3] < 2:
        return F.max_pool2d(x, 2)
    n, c, h, w = x.shape
    rows = x.permute(0, 2, 3, 1)[:, : h // 2 * 2, : w // 2 * 2, :]
    quarters = rows.reshape(n, h // 2, 2, w // 2, 2, c)
    top = torch.maximum(quarters[:, :, 0, :, 0], quarters[:, :, 0, :, 1])
    bottom = torch.maximum(quarters[:, :, 1, :, 0], quarters[:, :, 1, :, 1])
    return torch.maximum(top, bottom).permute(0, 3, 1, 2)


def _is_plain_2x2_pool(module: torch.nn.Module) -> bool:
    if type(module) is not torch.nn.MaxPool2d or module.return_indices or module.ceil_mode:
        return False
    pair = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)  # noqa: E731
    stride = pair(module.stride if module.stride is not None else module.kernel_size)
    return pair(module.kernel_size) == (2, 2) and stride == (2, 2) and pair(module.padding) == (0, 0) and pair(module.dilation) == (1, 1)


def _name_of(modules: dict, module: torch.nn.Module) -> str:
    for name, candidate in modules.items():
        if candidate is module:
            return name
    return ""


def inference_graph(model: torch.nn.Module) -> tuple[Optional[torch.nn.Module], list[str]]:
    """(the rewritten copy, a description of each rewrite), or (None, []) when nothing applies,
    the model is in training mode, or fx cannot trace it."""
    if model.training:
        return None, []
    try:
        import torch.fx

        traced = torch.fx.symbolic_trace(model)
    except Exception:
        return None, []
    graph = traced.graph
    modules = dict(traced.named_modules())
    rewrites: list[str] = []
    folded = 0
    for node in list(graph.nodes):
        if node.op != "call_module" or not node.args or not isinstance(node.args[0], torch.fx.Node):
            continue
        module = modules.get(node.target)
        previous = node.args[0]
        producer = modules.get(previous.target) if previous.op == "call_module" else None
        if type(module) in CONVOLUTIONS.values() and type(producer) in CONVOLUTIONS and type(module) is CONVOLUTIONS[type(producer)] \
                and len(previous.users) == 1 and module.running_mean is not None and module.running_var is not None \
                and module.num_features == producer.out_channels:
            name = f"folded_{folded}"
            folded += 1
            traced.add_submodule(name, FoldedConvBatchNorm(producer, module))
            modules[name] = traced.get_submodule(name)
            rewrites.append(f"{_name_of(modules, producer)}+{node.target} folded")
            previous.target = name
            node.replace_all_uses_with(previous)
            graph.erase_node(node)
        elif type(module) is torch.nn.ReLU and len(previous.users) == 1 and isinstance(producer, (*FRESH_OUTPUT, FoldedConvBatchNorm)):
            with graph.inserting_after(node):
                replacement = graph.call_function(torch.relu_, (previous,))
            node.replace_all_uses_with(replacement)
            graph.erase_node(node)
            rewrites.append(f"{node.target} in place")
        elif _is_plain_2x2_pool(module):
            with graph.inserting_after(node):
                replacement = graph.call_function(max_pool_2x2, (previous,))
            node.replace_all_uses_with(replacement)
            graph.erase_node(node)
            rewrites.append(f"{node.target} by quarters")
    if not rewrites:
        return None, []
    graph.lint()
    traced.recompile()
    return traced, rewrites
