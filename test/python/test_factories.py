"""Factories as people write them: keyword arguments from the config (model.kwargs, data.kwargs),
any module-level callable (functools.partial, a lambda, a class, an imported function), messages
that name what is missing and the field that passes it, and seeding before every factory."""

import sys
import unittest

import torch

from helpers import MLP_DATA, ProjectFolder, mlp_config
from landscape_lens.errors import ConfigError
from landscape_lens.loading import load_problem

MODELS = """
import functools
import random

import numpy as np
import torch
from torch import nn


def make_model(width, depth, activation="tanh"):
    layers, features = [], 4
    for _ in range(depth):
        layers += [nn.Linear(features, width), nn.Tanh() if activation == "tanh" else nn.ReLU()]
        features = width
    return nn.Sequential(*layers, nn.Linear(features, 3))


class WideMLP(nn.Module):
    def __init__(self, width, *, bias=True):
        super().__init__()
        self.hidden = nn.Linear(4, width, bias=bias)
        self.out = nn.Linear(width, 3)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x)))


make_wide = functools.partial(WideMLP, 16)
make_small = lambda: make_model(5, 1)  # noqa: E731
depth = 3


def only_by_position(width, /):
    return make_model(width, 1)


def drawn_at_build_time():
    # a factory that draws from every global generator a researcher's code might use
    model = make_model(6, 1)
    with torch.no_grad():
        model[0].weight.add_(torch.randn(6, 4))
        model[0].weight.mul_(float(np.random.rand()) + random.random())
    return model
"""

DATA = MLP_DATA + """

def make_rows(rows, features=4, noise=0.0):
    g = torch.Generator().manual_seed(3)
    x = torch.randn(rows, features, generator=g)
    return x, (x[:, 0] > 0).long()


def random_rows():
    x = torch.randn(30, 4)
    return x, (x[:, 0] > 0).long()
"""


class FactoryTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MODELS, "data.py": DATA})

    def tearDown(self):
        self.folder.remove()

    def load(self, model=None, data=None, seed=0):
        config = mlp_config(**{"pytorch": "model.py:make_small", **(model or {})})
        config["data"].update(data or {})
        config["seed"] = seed
        return load_problem(config, self.folder.path)[0]

    def test_kwargs_reach_the_model_factory(self):
        problem = self.load({"pytorch": "model.py:make_model", "kwargs": {"width": 7, "depth": 2, "activation": "relu"}})
        self.assertEqual([tuple(p.shape) for p in problem.params], [(7, 4), (7,), (7, 7), (7,), (3, 7), (3,)])
        self.assertIsInstance(problem.model[1], torch.nn.ReLU)

    def test_kwargs_reach_the_data_factory(self):
        problem = self.load(data={"factory": "data.py:make_rows", "kwargs": {"rows": 25}})
        self.assertEqual(problem.rows("train"), 25)

    def test_missing_arguments_are_named_with_the_field_that_passes_them(self):
        with self.assertRaises(ConfigError) as caught:
            self.load({"pytorch": "model.py:make_model"})
        message = caught.exception.message
        self.assertIn("model.pytorch make_model(width, depth, activation='tanh') needs width, depth", message)
        self.assertIn('pass them in "model": {"kwargs": {"width": …, "depth": …}}', message)
        self.assertEqual(caught.exception.data["missing"], ["width", "depth"])
        self.assertEqual(caught.exception.data["field"], "/model/pytorch")
        with self.assertRaises(ConfigError) as caught:
            self.load({"pytorch": "model.py:make_model", "kwargs": {"width": 3}})
        self.assertIn("needs depth: pass it in", caught.exception.message)
        self.assertEqual(caught.exception.data["field"], "/model/kwargs")
        with self.assertRaises(ConfigError) as caught:
            self.load(data={"factory": "data.py:make_rows"})
        self.assertIn('data.factory make_rows(rows, features=4, noise=0.0) needs rows: pass it in "data": {"kwargs": {"rows": …}}', caught.exception.message)

    def test_unknown_arguments_are_named_with_the_ones_the_factory_takes(self):
        with self.assertRaises(ConfigError) as caught:
            self.load({"pytorch": "model.py:make_model", "kwargs": {"width": 3, "depht": 2}})
        self.assertIn("takes no argument depht; it takes width, depth, activation", caught.exception.message)
        self.assertEqual(caught.exception.data["field"], "/model/kwargs")

    def test_kwargs_must_be_an_object(self):
        with self.assertRaises(ConfigError) as caught:
            self.load({"kwargs": [3, 2]})
        self.assertEqual(caught.exception.data["field"], "/model/kwargs")
        self.assertIn('expected an object of keyword arguments, e.g. {"width": 64}, got [3, 2]', caught.exception.message)

    def test_positional_only_arguments_are_explained(self):
        with self.assertRaises(ConfigError) as caught:
            self.load({"pytorch": "model.py:only_by_position", "kwargs": {"width": 3}})
        self.assertIn("takes width by position only", caught.exception.message)

    def test_partial_lambda_and_class_factories(self):
        self.assertEqual(self.load({"pytorch": "model.py:make_wide"}).dimension, 16 * 4 + 16 + 3 * 16 + 3)
        self.assertEqual(self.load({"pytorch": "model.py:make_small"}).dimension, 5 * 4 + 5 + 3 * 5 + 3)
        wide = self.load({"pytorch": "model.py:WideMLP", "kwargs": {"width": 2, "bias": False}})
        self.assertEqual(wide.names, ["hidden.weight", "out.weight", "out.bias"])

    def test_an_imported_function_is_a_factory(self):
        # The user's own import puts their model.py in sys.modules as "model"; later tests of
        # this process must not find it there.
        self.addCleanup(sys.modules.pop, "model", None)
        self.folder.write("config_models.py", "from model import make_model as build\n")
        self.assertEqual(self.load({"pytorch": "config_models.py:build", "kwargs": {"width": 2, "depth": 1}}).dimension, 2 * 4 + 2 + 3 * 2 + 3)

    def test_a_module_level_value_that_is_not_callable(self):
        with self.assertRaises(ConfigError) as caught:
            self.load({"pytorch": "model.py:depth"})
        self.assertEqual(caught.exception.message, "model.pytorch: depth in model.py is an int, not callable: name a function, a class or another callable "
                                                   "(def depth(): …, or depth = functools.partial(…))")

    def test_same_seed_same_model_and_data_another_seed_others(self):
        config = {"pytorch": "model.py:drawn_at_build_time"}
        data = {"factory": "data.py:random_rows"}
        first, second, other = self.load(config, data, seed=4), self.load(config, data, seed=4), self.load(config, data, seed=5)
        self.assertTrue(torch.equal(first.flat(), second.flat()))
        self.assertFalse(torch.equal(first.flat(), other.flat()))
        self.assertTrue(torch.equal(first.data("train")[0], second.data("train")[0]))
        self.assertFalse(torch.equal(first.data("train")[0], other.data("train")[0]))

    def test_the_model_factory_does_not_move_the_data(self):
        # The data factory runs from its own seed: a model that draws more or fewer numbers at
        # build time leaves the data as it was.
        small = self.load({"pytorch": "model.py:make_small"}, {"factory": "data.py:random_rows"}, seed=2)
        drawn = self.load({"pytorch": "model.py:drawn_at_build_time"}, {"factory": "data.py:random_rows"}, seed=2)
        self.assertTrue(torch.equal(small.data("train")[0], drawn.data("train")[0]))


if __name__ == "__main__":
    unittest.main()
