"""A small Transformer classifier for token sequences: embeddings with learned positions, one
encoder layer, mean pooling over the real tokens and a linear head (about 2,600 parameters).
Its forward takes (input_ids, attention_mask), as a HuggingFace model does, so Landscape Lens
calls it with the batch's dict: model(**batch). When the batch holds "labels" it returns the
loss beside the logits, and the analyses read that loss."""

from typing import Optional

import torch
from torch import nn


class TinyTransformer(nn.Module):
    def __init__(self, vocabulary: int = 16, length: int = 12, width: int = 16, classes: int = 2) -> None:
        super().__init__()
        self.tokens = nn.Embedding(vocabulary, width, padding_idx=0)
        self.positions = nn.Parameter(torch.zeros(length, width))
        layer = nn.TransformerEncoderLayer(d_model=width, nhead=2, dim_feedforward=2 * width, dropout=0.0, batch_first=True)
        # torch 1.13 warns that nested tensors are a prototype; Landscape Lens turns that path off
        # itself, so the encoder sees the same padded sequences with and without gradients.
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(width, classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, labels: Optional[torch.Tensor] = None) -> dict:
        hidden = self.tokens(input_ids) + self.positions[: input_ids.shape[1]]
        hidden = self.encoder(hidden, src_key_padding_mask=attention_mask == 0)
        keep = attention_mask.unsqueeze(-1).to(hidden.dtype)
        logits = self.head((hidden * keep).sum(1) / keep.sum(1))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits, labels)
        return out


def make_model() -> nn.Module:
    return TinyTransformer()
