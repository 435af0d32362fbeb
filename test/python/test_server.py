"""The request handlers in sequence: initialize, train, hessian, landscape (pca of the training path)."""

import json
import unittest

import helpers
from helpers import MLP_DATA, MLP_MODEL, ProjectFolder, mlp_config
from landscape_lens.rpc import encode
from landscape_lens.server import Session


class SessionTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": MLP_DATA})

    def tearDown(self):
        self.folder.remove()

    def test_train_then_pca_landscape_of_the_training_path(self):
        config = mlp_config()
        config["training"] = {"epochs": 4, "optimizer": {"name": "sgd", "lr": 0.5}}
        config["analyses"] = {"landscape": {"directions": "pca", "resolution": 5}}
        session = Session()
        quiet, never = (lambda *a, **k: None), (lambda: False)
        session.initialize({"protocolVersion": 1, "config": config, "baseDir": self.folder.path}, quiet, never)
        before = session.problem.loss()
        trained = session.train({}, quiet, never)
        self.assertNotIn("checkpoints", trained, "the checkpoints stay in the backend")
        self.assertEqual(len(trained["training"]["history"]), 4)
        self.assertEqual(len(session.checkpoints), 5, "the initial weights and one per epoch")
        after = session.problem.loss()
        self.assertLess(after, before)
        encode({"id": 1, "result": trained})  # JSON-serializable
        result = session.landscape({}, quiet, never)
        landscape = result["landscape"]
        self.assertEqual(len(landscape["trajectory"]["alpha"]), 5)
        self.assertAlmostEqual(landscape["trajectory"]["alpha"][-1], 0.0, places=12)
        self.assertAlmostEqual(landscape["loss"][12], after, places=12)
        json.loads(encode({"result": result}).split(b"\r\n\r\n", 1)[1])

    def test_interpolation_from_the_initial_to_the_trained_weights(self):
        config = mlp_config()
        config["training"] = {"epochs": 3, "optimizer": {"name": "sgd", "lr": 0.5}}
        config["analyses"] = {"landscape": {"directions": "interpolation", "resolution": 9}}
        session = Session()
        quiet, never = (lambda *a, **k: None), (lambda: False)
        session.initialize({"protocolVersion": 1, "config": config, "baseDir": self.folder.path}, quiet, never)
        initial = session.problem.loss()
        session.train({}, quiet, never)
        trained = session.problem.loss()
        landscape = session.landscape({}, quiet, never)["landscape"]
        self.assertAlmostEqual(landscape["loss"][2], initial, places=12)  # α = 0
        self.assertAlmostEqual(landscape["loss"][6], trained, places=12)  # α = 1


if __name__ == "__main__":
    unittest.main()
