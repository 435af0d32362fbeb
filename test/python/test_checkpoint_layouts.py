"""Checkpoints as frameworks save them load without conversion: PyTorch Lightning's layout (the
state_dict under "state_dict", keys under the attribute holding the network), a training loop's
{"model": …, "optimizer": …, "epoch": …}, DataParallel's "module." and torch.compile's
"_orig_mod." prefixes; the run's log says what was found and renamed, and all of it through the
weights-only loader."""

import contextlib
import io
import os
import unittest

import torch

from helpers import MLP_DATA, MLP_MODEL, ProjectFolder, mlp_config
from landscape_lens.checkpoint_layouts import find_state_dict, fit_keys
from landscape_lens.errors import ConfigError
from landscape_lens.landscape import run_landscape
from landscape_lens.loading import load_problem

WRAPPED_MODEL = MLP_MODEL + """

class Compiled(torch.nn.Module):
    # what torch.compile returns: the model under the attribute _orig_mod
    def __init__(self):
        super().__init__()
        self._orig_mod = make_model()

    def forward(self, x):
        return self._orig_mod(x)


def make_compiled():
    return Compiled()
"""


def network() -> torch.nn.Sequential:
    torch.manual_seed(11)
    return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))


def lightning_checkpoint(state: dict) -> dict:
    """The layout Lightning's Trainer.save_checkpoint writes for a LightningModule holding the network
    as self.model and a weighted loss as self.criterion (a buffer outside the network)."""
    keys = {f"model.{k}": v for k, v in state.items()}
    keys["criterion.weight"] = torch.ones(3)
    return {
        "epoch": 4, "global_step": 120, "pytorch-lightning_version": "2.4.0",
        "state_dict": keys,
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 5, "completed": 4}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min'}": {"best_model_score": torch.tensor(0.25), "best_model_path": "epoch=3.ckpt", "dirpath": "checkpoints"}},
        "optimizer_states": [{"state": {0: {"step": torch.tensor(120.0), "exp_avg": torch.zeros(6, 4)}}, "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "params": [0, 1, 2, 3]}]}],
        "lr_schedulers": [],
        "hparams_name": "kwargs",
        "hyper_parameters": {"width": 6, "lr": 0.001},
    }


class LayoutTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": WRAPPED_MODEL, "data.py": MLP_DATA})
        self.state = network().state_dict()

    def tearDown(self):
        self.folder.remove()

    def load(self, checkpoint, name="last.ckpt", **model):
        torch.save(checkpoint, self.folder.file(name))
        log = io.StringIO()
        with contextlib.redirect_stderr(log):
            problem, _ = load_problem(mlp_config(weights=name, **model), self.folder.path)
        return problem, log.getvalue()

    def assert_loaded(self, problem):
        self.assertTrue(torch.equal(problem.flat(), torch.cat([v.reshape(-1) for v in self.state.values()]).double()))

    def test_lightning_checkpoint(self):
        problem, log = self.load(lightning_checkpoint(self.state))
        self.assert_loaded(problem)
        self.assertIn("model.weights: last.ckpt: the state_dict under ['state_dict'] (beside epoch, global_step, pytorch-lightning_version, loops, callbacks, optimizer_states and 3 more)", log)
        self.assertIn('model.weights: last.ckpt: key prefix "model." removed; 1 key outside it left out (criterion.weight)', log)

    def test_training_loop_dict_with_model_and_optimizer(self):
        optimizer = torch.optim.SGD(network().parameters(), lr=0.1, momentum=0.9)
        problem, log = self.load({"model": self.state, "optimizer": optimizer.state_dict(), "epoch": 7}, "ckpt.pt")
        self.assert_loaded(problem)
        self.assertIn("ckpt.pt: the state_dict under ['model'] (beside optimizer, epoch)", log)
        self.assertNotIn("prefix", log)

    def test_nested_ema_and_dataparallel(self):
        wrapped = {f"module.{k}": v for k, v in self.state.items()}
        problem, log = self.load({"ema": {"module": wrapped}, "step": 3}, "ema.pt")
        self.assert_loaded(problem)
        self.assertIn("the state_dict under ['ema']['module'] (beside step)", log)
        self.assertIn('key prefix "module." removed', log)

    def test_torch_compile_prefix_stripped(self):
        compiled = {f"_orig_mod.{k}": v for k, v in self.state.items()}
        problem, log = self.load(compiled, "compiled.pt")
        self.assert_loaded(problem)
        self.assertIn('compiled.pt: key prefix "_orig_mod." removed', log)

    def test_torch_compile_prefix_added_for_a_compiled_model(self):
        problem, log = self.load(self.state, "plain.pt", pytorch="model.py:make_compiled")
        self.assert_loaded(problem)
        self.assertIn('key prefix "_orig_mod." added (the model\'s own keys carry it)', log)

    def test_dataparallel_of_a_compiled_model_into_a_lightning_name(self):
        state = {f"module._orig_mod.{k}": v for k, v in self.state.items()}
        fitted, note = fit_keys(state, {f"_orig_mod.{k}": v for k, v in self.state.items()})
        self.assertEqual(sorted(fitted), sorted(f"_orig_mod.{k}" for k in self.state))
        self.assertEqual(note, 'key prefix "module." removed')

    def test_keys_that_fit_are_left_alone(self):
        fitted, note = fit_keys(self.state, self.state)
        self.assertIs(fitted, self.state)
        self.assertIsNone(note)
        problem, log = self.load(self.state, "plain.pt")
        self.assert_loaded(problem)
        self.assertEqual(log.strip(), "")

    def test_no_renaming_that_does_not_fill_the_model_is_made(self):
        # keys that fit nothing stay as they are, and the strict check names them
        state = {f"encoder.{k}x": v for k, v in self.state.items()}
        self.assertIsNone(fit_keys(state, self.state)[1])
        with self.assertRaises(ConfigError) as caught:
            self.load(state, "other.pt")
        self.assertIn("missing keys: 0.weight", caught.exception.message)

    def test_a_container_without_tensors_is_named_with_its_keys(self):
        with self.assertRaises(ConfigError) as caught:
            self.load({"epoch": 3, "optimizer": {"lr": 0.1}}, "empty.pt")
        self.assertIn("empty.pt holds a dict with the keys epoch, optimizer, not a state_dict of tensors, and none under 'state_dict', 'model_state_dict', 'model', 'module', 'net', 'ema'",
                      caught.exception.message)

    def test_find_state_dict_prefers_the_trained_weights_to_their_average(self):
        ema = {k: v + 1 for k, v in self.state.items()}
        found, where = find_state_dict({"ema": ema, "model": self.state})
        self.assertIs(found["0.weight"], self.state["0.weight"])
        self.assertTrue(where.startswith("the state_dict under ['model']"))

    def test_a_lightning_checkpoint_still_loads_weights_only(self):
        # a Lightning checkpoint holding a class outside the weights-only list is refused, not unpickled
        checkpoint = lightning_checkpoint(self.state)
        checkpoint["hyper_parameters"] = {"loss": torch.nn.CrossEntropyLoss()}
        with self.assertRaises(ConfigError) as caught:
            self.load(checkpoint)
        self.assertEqual(caught.exception.data.get("optIn"), "/model/trustCheckpoint")

    def test_landscape_checkpoints_fit_the_same_way(self):
        os.makedirs(self.folder.file("checkpoints"))
        for epoch in range(3):
            state = {f"model.{k}": v + epoch * 0.1 for k, v in self.state.items()}
            torch.save({"state_dict": state, "epoch": epoch}, self.folder.file(f"checkpoints/epoch-{epoch}.ckpt"))
        config = mlp_config(weights="checkpoints/epoch-0.ckpt")
        config["analyses"] = {"landscape": {"directions": "pca", "trajectory": "checkpoints/epoch-*.ckpt", "resolution": 3}}
        with contextlib.redirect_stderr(io.StringIO()):
            problem, loader = load_problem(config, self.folder.path)
            result = run_landscape(problem, config, loader, lambda *a, **k: None, lambda: False)
        self.assertEqual(len((result.get("landscape") or result)["trajectory"]["alpha"]), 3)


if __name__ == "__main__":
    unittest.main()
