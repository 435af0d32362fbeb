"""Shared helpers of the Python backend's tests: the package on sys.path and a project folder
with a model file, a data file and a config, written to a temporary directory."""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON_DIR = os.path.join(ROOT, "python")
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

MLP_MODEL = """
import torch

def make_model():
    return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
"""

MLP_DATA = """
import torch

def make_data():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(40, 4, generator=g)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()
    return x, y
"""


class ProjectFolder:
    """A temporary folder holding user files; remove() deletes it."""

    def __init__(self, files: dict[str, str]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="landscape-lens-test-")
        self.path = self._dir.name
        for name, text in files.items():
            self.write(name, text)

    def write(self, name: str, text: str) -> str:
        target = os.path.join(self.path, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as handle:
            handle.write(textwrap.dedent(text).lstrip("\n"))
        return target

    def file(self, name: str) -> str:
        return os.path.join(self.path, name)

    def remove(self) -> None:
        self._dir.cleanup()


def mlp_config(**model: object) -> dict:
    return {
        "seed": 0,
        "model": {"pytorch": "model.py:make_model", "loss": "softmax-cross-entropy", "dtype": "float64", **model},
        "data": {"kind": "pytorch", "factory": "data.py:make_data", "testFraction": 0},
    }
