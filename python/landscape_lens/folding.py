"""Convolution + evaluation-mode BatchNorm folded into one convolution, for fast inference.

With running statistics μ, σ² and affine γ, β, BatchNorm(conv(x; W, b)) = conv(x; W', b') where
W' = W·s per output channel, b' = (b − μ)·s + β, s = γ/√(σ² + ε) (Ioffe & Szegedy 2015, eq. at
inference). The folded module computes W' and b' from the current parameters at every call, so
it stays exact while the landscape moves the weights. The model is traced with torch.fx; a model
fx cannot trace is left as it is.
"""

from __future__ import annotations

from typing import Optional

import torch

CONVOLUTIONS = {torch.nn.Conv1d: torch.nn.BatchNorm1d, torch.nn.Conv2d: torch.nn.BatchNorm2d, torch.nn.Conv3d: torch.nn.BatchNorm3d}


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


def fold_batchnorm(model: torch.nn.Module) -> tuple[Optional[torch.nn.Module], list[str]]:
    """(a traced copy of the model's forward with each convolution + BatchNorm pair folded, the
    names of the folded convolutions), or (None, []) when nothing folds or fx cannot trace the model.
    The copy shares the model's modules and parameters."""
    if model.training:
        return None, []
    try:
        import torch.fx
    except ImportError:
        return None, []
    try:
        traced = torch.fx.symbolic_trace(model)
    except Exception:
        return None, []
    modules = dict(traced.named_modules())
    folded: list[str] = []
    for node in list(traced.graph.nodes):
        if node.op != "call_module" or not node.args or not isinstance(node.args[0], torch.fx.Node):
            continue
        norm = modules.get(node.target)
        previous = node.args[0]
        if previous.op != "call_module" or len(previous.users) != 1:
            continue
        conv = modules.get(previous.target)
        if type(conv) not in CONVOLUTIONS or type(norm) is not CONVOLUTIONS[type(conv)]:
            continue
        if norm.running_mean is None or norm.running_var is None or norm.num_features != conv.out_channels:
            continue
        name = f"folded_{len(folded)}"
        traced.add_submodule(name, FoldedConvBatchNorm(conv, norm))
        previous.target = name
        node.replace_all_uses_with(previous)
        traced.graph.erase_node(node)
        folded.append(_name_of(modules, conv))
    if not folded:
        return None, []
    traced.graph.lint()
    traced.recompile()
    return traced, folded


def _name_of(modules: dict, module: torch.nn.Module) -> str:
    for name, candidate in modules.items():
        if candidate is module:
            return name
    return ""
