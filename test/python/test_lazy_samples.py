"""data.samples reads only what it keeps: the first N items of a Dataset, however long it is; the
seeded split then works on those items."""

import time
import unittest

import torch

import helpers  # noqa: F401  (the package on sys.path)
from helpers import ProjectFolder
from landscape_lens.loading import dataset_tensors, load_problem, split_rows

MODEL = """
import torch


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
"""

# A Dataset of 10⁹ items, each made from its index; reading more than 10,000 of them is refused
# (reading them all would take hours).
HUGE_DATA = """
import torch


class Huge(torch.utils.data.Dataset):
    def __len__(self):
        return 1_000_000_000

    def __getitem__(self, index):
        if index >= 10_000:
            raise RuntimeError(f"item {index} read: more than data.samples asks for")
        g = torch.Generator().manual_seed(index)
        return torch.randn(4, generator=g, dtype=torch.float64), index % 3


def make_data():
    return Huge()
"""


class Counted(torch.utils.data.Dataset):
    """60,000 items, counting which are read."""

    def __init__(self, length: int = 60_000) -> None:
        self.length = length
        self.read: list[int] = []

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int):
        self.read.append(index)
        return torch.full((4,), float(index), dtype=torch.float64), index % 3


def config(samples: int, test_fraction: float = 0.0) -> dict:
    return {
        "seed": 7,
        "model": {"pytorch": "model.py:make_model", "loss": "softmax-cross-entropy", "dtype": "float64"},
        "data": {"kind": "pytorch", "factory": "data.py:make_data", "testFraction": test_fraction, "samples": samples},
    }


class LazySamplesTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MODEL, "data.py": HUGE_DATA})

    def tearDown(self):
        self.folder.remove()

    def test_a_dataset_of_a_billion_items_with_samples_256_loads_in_under_a_second(self):
        started = time.perf_counter()
        problem, _ = load_problem(config(256), self.folder.path)
        seconds = time.perf_counter() - started
        self.assertEqual(problem.rows("train"), 256)
        self.assertLess(seconds, 1.0)
        # The rows are the first 256 items, in order.
        first = torch.randn(4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        self.assertTrue(torch.equal(problem.data("train")[0][0], first))
        self.assertEqual(problem.data("train")[1][:6].tolist(), [0, 1, 2, 0, 1, 2])

    def test_samples_512_of_60000_reads_512_items(self):
        dataset = Counted()
        inputs, targets = dataset_tensors(dataset, "data.py:make_data", 512)
        self.assertEqual(sorted(dataset.read), list(range(512)))  # each of the first 512 once, no other
        self.assertEqual((inputs.shape[0], targets.shape[0]), (512, 512))
        self.assertEqual(inputs[:, 0].tolist(), [float(i) for i in range(512)])

    def test_the_split_stays_seeded_and_on_the_items_kept(self):
        dataset = Counted()
        inputs, targets = dataset_tensors(dataset, "data.py:make_data", 512)
        (train_x, _), (test_x, _) = split_rows(inputs, targets, 0.25, 7)
        self.assertEqual((train_x.shape[0], test_x.shape[0]), (384, 128))
        kept = sorted(int(v) for v in torch.cat([train_x[:, 0], test_x[:, 0]]).tolist())
        self.assertEqual(kept, list(range(512)))  # a partition of the items read
        (again, _), _ = split_rows(*dataset_tensors(Counted(), "data.py:make_data", 512), 0.25, 7)
        self.assertTrue(torch.equal(train_x, again))
        # The same permutation as the whole data's eager split would draw for 512 rows.
        order = torch.randperm(512, generator=torch.Generator().manual_seed(8))
        self.assertEqual(train_x[:, 0].long().tolist(), order[:384].tolist())


if __name__ == "__main__":
    unittest.main()
