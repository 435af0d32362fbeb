"""Token sequences of varying length, labelled by whether token 3 appears more often than
token 4: a Dataset of dicts {"input_ids", "attention_mask", "labels"}, padded to one length,
as a tokenizer with padding="max_length" gives them. Landscape Lens reads the first
data.samples items and collates them with torch's default_collate."""

import torch
from torch.utils.data import Dataset


class CountingSequences(Dataset):
    def __init__(self, items: int = 100_000, length: int = 12, vocabulary: int = 16) -> None:
        self.items, self.length, self.vocabulary = items, length, vocabulary

    def __len__(self) -> int:
        return self.items

    def __getitem__(self, index: int) -> dict:
        # Each item is drawn from its own generator, so reading the first N items reads nothing else.
        generator = torch.Generator().manual_seed(index)
        size = int(torch.randint(4, self.length + 1, (1,), generator=generator))
        ids = torch.zeros(self.length, dtype=torch.long)
        ids[:size] = torch.randint(1, self.vocabulary, (size,), generator=generator)
        mask = (ids != 0).long()
        label = int((ids == 3).sum() > (ids == 4).sum())
        return {"input_ids": ids, "attention_mask": mask, "labels": label}


def make_data() -> Dataset:
    return CountingSequences()
