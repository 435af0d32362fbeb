"""A small convolutional network with BatchNorm for 28×28 digits: two conv–BatchNorm–ReLU–pool
blocks and a linear classifier (9,146 parameters). Landscape Lens calls make_model() with no
arguments; BatchNorm runs in evaluation mode for every analysis (its running statistics), and
in training mode while training."""

import torch.nn as nn


class SmallCnn(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 28×28 → 14×14
            nn.Conv2d(8, 16, kernel_size=3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 14×14 → 7×7
        )
        self.classifier = nn.Linear(16 * 7 * 7, 10)

    def forward(self, images):
        return self.classifier(self.features(images).flatten(1))


def make_model() -> nn.Module:
    return SmallCnn()
