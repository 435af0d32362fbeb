"""The request handlers in sequence: initialize, train, hessian, landscape (pca of the training path)."""

import io
import json
import unittest
from unittest import mock

import helpers
from helpers import MLP_DATA, MLP_MODEL, ProjectFolder, mlp_config
from landscape_lens import server
from landscape_lens.rpc import encode, read_message
from landscape_lens.server import Session


def serve_messages(*requests: dict) -> list:
    """What serve() answers to ``requests`` (then end of input), in order."""
    reader = io.BytesIO(b"".join(encode({"jsonrpc": "2.0", **r}) for r in requests))
    writer = io.BytesIO()
    server.serve(server.Connection(reader, writer))
    writer.seek(0)
    out = []
    while (message := read_message(writer)) is not None:
        out.append(message)
    return out


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


    def test_the_hessian_after_training_ends_the_history_at_the_epochs_trained(self):
        config = mlp_config()
        config["training"] = {"epochs": 3, "optimizer": {"name": "sgd", "lr": 0.5}}
        config["analyses"] = {"hessian": {}}
        session = Session()
        quiet, never = (lambda *a, **k: None), (lambda: False)
        session.initialize({"protocolVersion": 1, "config": config, "baseDir": self.folder.path}, quiet, never)
        self.assertNotIn("history", session.hessian({}, quiet, never)["hessian"], "no training yet: no entry of reason end")
        session.train({}, quiet, never)
        (entry,) = session.hessian({}, quiet, never)["hessian"]["history"]
        self.assertEqual((entry["epoch"], entry["reason"]), (3, "end"))
        session.initialize({"protocolVersion": 1, "config": config, "baseDir": self.folder.path}, quiet, never)
        self.assertNotIn("history", session.hessian({}, quiet, never)["hessian"], "weights loaded again are not the trained ones")


class FailureKeepsTheNewestPartialTest(unittest.TestCase):
    def test_a_partial_held_by_the_throttle_goes_out_before_the_error(self):
        def failing_landscape(self, params, progress, cancelled):
            progress(0.5, "landscape: 5×5 grid", {"landscape": {"stride": 2, "loss": [1.0] * 9}})
            progress(0.6, "landscape: the cluster failed; the finished points are kept", {"landscape": {"stride": 1, "loss": [1.0] * 12 + [None] * 13}})
            raise RuntimeError("every worker is gone")

        with mock.patch.object(Session, "landscape", failing_landscape):
            messages = serve_messages({"id": 1, "method": "landscape", "params": {}})
        self.assertEqual([m.get("method", m.get("id")) for m in messages], ["progress", "progress", 1])
        self.assertEqual(messages[1]["params"]["partial"]["landscape"]["stride"], 1, "the newest partial, sent before the error")
        self.assertIn("every worker is gone", messages[2]["error"]["message"])

    def test_an_answer_over_the_message_limit_becomes_an_error_naming_the_method(self):
        def huge_hessian(self, params, progress, cancelled):
            return {"hessian": {"history": [{"note": "x" * 100}] * 50}}

        with mock.patch.object(Session, "hessian", huge_hessian), mock.patch("landscape_lens.rpc.MAX_MESSAGE_BYTES", 2000):
            messages = serve_messages({"id": 3, "method": "hessian", "params": {}})
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages[0]["id"], 3)
        self.assertIn("the result of hessian is too large to send", messages[0]["error"]["message"])


if __name__ == "__main__":
    unittest.main()
