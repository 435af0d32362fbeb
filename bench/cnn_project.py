"""The small CNN project the cluster benches run: a model file and a data file written to a folder.

Two 3×3 convolutions (8 and 16 channels, optionally each followed by BatchNorm), max-pooling, and
a 32-unit hidden layer on 1×28×28 inputs, 10 classes; the data is BENCH_ROWS seeded random images
(the environment variable, read when the data factory runs)."""

from __future__ import annotations

import os
import textwrap


def model_source(batchnorm: bool) -> str:
    norm = lambda channels: f" nn.BatchNorm2d({channels})," if batchnorm else ""  # noqa: E731
    return textwrap.dedent(f'''
        import torch.nn as nn

        def make_model():
            return nn.Sequential(
                nn.Conv2d(1, 8, 3, padding=1),{norm(8)} nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding=1),{norm(16)} nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(16 * 7 * 7, 32), nn.ReLU(), nn.Linear(32, 10))
    ''')


DATA = textwrap.dedent('''
    import os
    import torch

    def make_data():
        rows = int(os.environ["BENCH_ROWS"])
        g = torch.Generator().manual_seed(0)
        x = torch.randn(rows, 1, 28, 28, generator=g)
        return x, torch.randint(0, 10, (rows,), generator=g)
''')


def write_project(folder: str, batchnorm: bool) -> None:
    """model.py (make_model) and data.py (make_data) in `folder`."""
    for name, text in (("model.py", model_source(batchnorm)), ("data.py", DATA)):
        with open(os.path.join(folder, name), "w") as handle:
            handle.write(text)


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])
