"""The first probe of a model: the real forward and backward on one real batch, in the mode the
analyses use, so that eval-mode fast paths behave there as they do in the analyses; an error in it
names the user's file and line."""

import unittest
import warnings

import torch

import helpers  # noqa: F401  (the package on sys.path)
from helpers import ProjectFolder
from landscape_lens.errors import UserCodeError
from landscape_lens.loading import load_problem
from landscape_lens.problem import Problem
from landscape_lens.server import Session

# A token classifier whose pooling masks the padding by the mask's own length: on torch 1.13 an
# eval-mode TransformerEncoder run without gradients on a batch whose rows are all padded takes the
# nested-tensor fast path and returns a sequence trimmed to the longest row, so the pooling fails.
TRANSFORMER_MODEL = """
import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(12, 8, padding_idx=0)
        layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(8, 3)

    def forward(self, ids):
        mask = ids == 0
        hidden = self.encoder(self.embed(ids), src_key_padding_mask=mask)
        keep = (~mask).unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * keep).sum(1) / keep.sum(1)
        return self.head(pooled)


def make_model():
    return Classifier()
"""

# Token ids padded with 0 after each row's length; the first rows are all padded, one later row is
# full length (so a whole batch keeps the full sequence on the fast path as well).
TRANSFORMER_DATA = """
import torch


def make_data():
    g = torch.Generator().manual_seed(0)
    rows, length = 40, 10
    lengths = torch.randint(3, length, (rows,), generator=g)
    lengths[17] = length
    ids = torch.randint(1, 12, (rows, length), generator=g)
    for i in range(rows):
        ids[i, lengths[i]:] = 0
    return ids, lengths % 3
"""

FAILING_MODEL = """
import torch


class Broken(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 3)

    def forward(self, x):
        if torch.is_grad_enabled():
            raise RuntimeError("this model fails once gradients are on")
        return self.linear(x)


def make_model():
    return Broken()
"""

SMALL_DATA = """
import torch


def make_data():
    g = torch.Generator().manual_seed(1)
    return torch.randn(12, 4, generator=g), torch.randint(0, 3, (12,), generator=g)
"""


def transformer_config(**analyses):
    return {
        "seed": 0,
        "model": {"pytorch": "model.py:make_model", "loss": "softmax-cross-entropy", "dtype": "float64", "mode": "eval"},
        "data": {"kind": "pytorch", "factory": "data.py:make_data", "testFraction": 0, "batchSize": 20},
        "analyses": analyses,
    }


def quiet(*_args, **_kwargs):
    return None


def never():
    return False


class FirstProbeTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": TRANSFORMER_MODEL, "data.py": TRANSFORMER_DATA})
        warnings.filterwarnings("ignore", message="The PyTorch API of nested tensors")

    def tearDown(self):
        self.folder.remove()

    def test_eval_mode_transformer_with_a_padding_mask_runs_a_landscape_and_a_hessian(self):
        config = transformer_config(landscape={"resolution": 3, "dimensions": 1}, hessian={"top": 2, "trace": {"probes": 4}})
        session = Session()
        described = session.initialize({"protocolVersion": 1, "config": config, "baseDir": self.folder.path}, quiet, never)
        self.assertEqual(described["data"]["trainRows"], 40)
        landscape = session.landscape({}, quiet, never)["landscape"]
        self.assertTrue(all(value is not None for value in landscape["loss"]), landscape["loss"])
        hessian = session.hessian({}, quiet, never)["hessian"]
        self.assertEqual(len(hessian["top"]), 2)
        # The centre of the landscape is the loss the Hessian's problem reports at the same weights.
        centre = landscape["loss"][len(landscape["loss"]) // 2]
        problem = session.problem
        self.assertAlmostEqual(centre, problem.loss("train"), delta=1e-12)
        # ...and the one its gradient and Hessian are taken of (the same function with gradients on).
        with torch.enable_grad():
            differentiated = sum(float(problem.batch_contribution(x, y)) for x, y in problem.batches("train"))
        self.assertAlmostEqual(centre, differentiated, delta=1e-12)

    def test_the_probe_runs_with_gradients_in_the_models_mode_on_a_whole_batch(self):
        problem, _ = load_problem(transformer_config(), self.folder.path)
        seen = []
        handle = problem.model.register_forward_hook(lambda module, inputs, output: seen.append((inputs[0].shape[0], torch.is_grad_enabled(), module.training)))
        try:
            problem._output_width()
        finally:
            handle.remove()
        self.assertEqual(seen, [(20, True, False)])  # one batch of data.batchSize rows, gradients on, eval mode
        self.assertEqual(problem.output_width, 3)

    def test_the_probe_leaves_buffers_and_gradients_as_they_were(self):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.BatchNorm1d(5), torch.nn.Linear(5, 2)).double()
        before = {name: buffer.clone() for name, buffer in model.named_buffers()}
        problem = Problem.from_module(model, torch.randn(16, 4) * 3 + 1, torch.randint(0, 2, (16,)), "softmax-cross-entropy", mode="train")
        for name, buffer in model.named_buffers():
            self.assertTrue(torch.equal(buffer, before[name]), f"{name} changed")
        self.assertTrue(all(p.grad is None for p in model.parameters()))
        self.assertEqual(problem.output_width, 2)

    def test_an_error_in_the_probe_names_the_users_file_and_line(self):
        self.folder.write("model.py", FAILING_MODEL)
        self.folder.write("data.py", SMALL_DATA)
        with self.assertRaises(UserCodeError) as caught:
            load_problem(transformer_config(), self.folder.path)
        self.assertEqual(caught.exception.data["file"], "model.py")
        self.assertEqual(caught.exception.data["line"], 11)
        self.assertIn("model.py:11", str(caught.exception))
        self.assertIn("fails once gradients are on", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
