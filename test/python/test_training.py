"""The PyTorch backend's training: torch.optim under the engine's names, records, detector, early stopping, cancellation."""

import math
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

from landscape_lens import training  # noqa: E402
from landscape_lens.detect import EarlyStopping, SaddleDetector, loss_range, plateaus  # noqa: E402
from landscape_lens.optim import OptimizerError, resolve_optimizer, scheduled_learning_rate  # noqa: E402
from landscape_lens.problem import Problem  # noqa: E402


def classifier(batch_size=None, seed=0):
    """A 2-8-2 tanh MLP on two Gaussian blobs, 120 training and 40 test rows."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).double()
    labels = torch.arange(160) % 2
    x = torch.randn(160, 2, dtype=torch.float64) + 2.0 * labels.unsqueeze(1).double()
    return Problem.from_module(model, x[:120], labels[:120], "softmax-cross-entropy", batch_size=batch_size, test=(x[120:], labels[120:]))


def train(problem, training_config, cancelled=lambda: False, analyses=None):
    reports = []
    config = {"seed": 5, "training": training_config}
    if analyses:
        config["analyses"] = analyses
    result = training.run_training(problem, config, lambda f, m, partial=None: reports.append((f, m, partial)), cancelled)
    return result, reports


class TrainingTest(unittest.TestCase):
    def test_full_batch_sgd_decreases_the_loss_and_records_epochs(self):
        problem = classifier(batch_size=50)
        initial = problem.loss()
        result, reports = train(problem, {"epochs": 20, "optimizer": {"name": "sgd", "lr": 0.5}})
        history = result["training"]["history"]
        self.assertEqual([r["epoch"] for r in history], list(range(1, 21)))
        self.assertLess(history[-1]["loss"], 0.5 * initial)
        for record in history:
            for key in ("loss", "testLoss", "trainAccuracy", "testAccuracy", "gradientNorm", "learningRate", "seconds"):
                self.assertIn(key, record)
        self.assertAlmostEqual(history[-1]["loss"], problem.loss(), places=12)
        self.assertEqual(result["training"]["status"], "completed")
        self.assertEqual(result["training"]["batchSize"], 120)
        self.assertEqual(len(result["checkpoints"]), 21)
        self.assertTrue(torch.equal(result["checkpoints"][-1], problem.flat()))
        self.assertIsNotNone(reports[-1][2]["training"])

    def test_full_batch_step_is_plain_gradient_descent(self):
        problem = classifier()
        start = problem.flat()
        _, gradient = problem.loss_and_grad()
        result, _ = train(problem, {"epochs": 1, "optimizer": {"name": "sgd", "lr": 0.3}})
        self.assertTrue(torch.allclose(problem.flat(), start - 0.3 * gradient, atol=1e-14))
        self.assertAlmostEqual(result["training"]["history"][0]["gradientNorm"], float(gradient.norm()), places=12)

    def test_batchnorm_trains_in_train_mode_and_is_evaluated_in_eval_mode(self):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(48, 2)).double()
        x = torch.randn(40, 1, 6, 6, dtype=torch.float64)
        labels = (x.mean(dim=(1, 2, 3)) > 0).long()
        problem = Problem.from_module(model, x, labels, "softmax-cross-entropy")
        initial = problem.loss()
        result, _ = train(problem, {"epochs": 10, "batchSize": 10, "optimizer": {"name": "adam", "lr": 0.02}})
        history = result["training"]["history"]
        self.assertLess(history[-1]["loss"], initial)
        # The running statistics moved (train-mode steps); the recorded loss is the evaluation-mode loss.
        self.assertFalse(torch.equal(model[1].running_mean, torch.zeros(3, dtype=torch.float64)))
        self.assertFalse(model.training)
        self.assertAlmostEqual(history[-1]["loss"], problem.loss(), places=12)

    def test_mini_batch_adam_with_schedule(self):
        problem = classifier()
        initial = problem.loss()
        schedule = {"kind": "step", "step_size": 4, "gamma": 0.5}
        result, _ = train(problem, {"epochs": 5, "batchSize": 30, "optimizer": {"name": "adam", "lr": 0.05, "schedule": schedule}})
        history = result["training"]["history"]
        self.assertLess(history[-1]["loss"], initial)
        # Four steps per epoch: the last step of epoch e is step 4e − 1 (0-based), lr·0.5^⌊(4e−1)/4⌋.
        for record in history:
            self.assertAlmostEqual(record["learningRate"], 0.05 * 0.5 ** ((4 * record["epoch"] - 1) // 4))
        self.assertEqual(result["training"]["optimizer"], "adam")

    def test_same_seed_same_run(self):
        first, _ = train(classifier(), {"epochs": 3, "batchSize": 16, "optimizer": {"name": "noisy-gd", "lr": 0.1}})
        second, _ = train(classifier(), {"epochs": 3, "batchSize": 16, "optimizer": {"name": "noisy-gd", "lr": 0.1}})
        self.assertEqual([r["loss"] for r in first["training"]["history"]], [r["loss"] for r in second["training"]["history"]])

    def test_detector_fires_on_a_plateau(self):
        # A zero learning rate holds the weights still: every gradient norm is below a generous
        # threshold, so the detector fires at the window's end and the loss is flat throughout.
        problem = classifier()
        _, gradient = problem.loss_and_grad()
        detector = {"threshold": 10 * float(gradient.norm()), "window": 3, "boost": 2, "plateauThreshold": 1e-6}
        result, _ = train(problem, {"epochs": 6, "optimizer": {"name": "sgd", "lr": 0.0}, "detector": detector}, analyses={"hessian": {}})
        events = result["training"]["events"]
        kinds = [e["kind"] for e in events]
        self.assertIn("detected", kinds)
        detected = next(e for e in events if e["kind"] == "detected")
        self.assertEqual(detected["epoch"], 3)
        self.assertEqual([r.get("saddle", False) for r in result["training"]["history"]], [False, False, True, True, True, True])
        plateau = next(e for e in events if e["kind"] == "plateau")
        self.assertEqual((plateau["epoch"], plateau["endEpoch"]), (1, 6))
        # The detector event triggers a Hessian analysis at that epoch.
        self.assertEqual([(h["epoch"], h["reason"]) for h in result["hessianHistory"]], [(3, "event")])

    def test_early_stopping(self):
        problem = classifier()
        result, _ = train(problem, {"epochs": 30, "optimizer": {"name": "sgd", "lr": 0.0}, "earlyStopping": {"patience": 2}})
        self.assertEqual(result["training"]["status"], "early-stopped")
        self.assertEqual(len(result["training"]["history"]), 3)

    def test_divergence_is_a_status(self):
        # Linear least squares with a step far beyond 2/λmax: the loss grows until it overflows.
        torch.manual_seed(0)
        x = torch.randn(50, 3, dtype=torch.float64)
        problem = Problem.from_module(torch.nn.Linear(3, 1).double(), x, x.sum(dim=1, keepdim=True), "mse")
        result, _ = train(problem, {"epochs": 200, "optimizer": {"name": "sgd", "lr": 1e6}})
        status = result["training"]["status"]
        self.assertTrue(status.startswith("diverged at epoch"), status)
        self.assertEqual(result["training"]["events"][-1]["kind"], "diverged")
        self.assertEqual(status, f"diverged at epoch {len(result['training']['history'])}")

    def test_hessian_every_n_epochs(self):
        problem = classifier()
        result, _ = train(problem, {"epochs": 4, "optimizer": {"name": "sgd", "lr": 0.1}}, analyses={"hessian": {"every": 2}})
        entries = result["hessianHistory"]
        self.assertEqual([(h["epoch"], h["reason"]) for h in entries], [(2, "every"), (4, "every")])
        for entry in entries:
            self.assertGreaterEqual(entry["lambdaMax"], entry["lambdaMin"])

    def test_hessian_after_training_ends_the_history(self):
        from landscape_lens import hessian

        problem = classifier()
        trained, _ = train(problem, {"epochs": 3, "optimizer": {"name": "sgd", "lr": 0.1}}, analyses={"hessian": {}})
        config = {"seed": 5, "model": {}, "analyses": {"hessian": {}}}
        # The epoch count comes from the caller, not from the problem: without it there is no "end" entry.
        self.assertNotIn("history", hessian.run_hessian(problem, config, lambda *a, **k: None, lambda: False)["hessian"])
        result = hessian.run_hessian(problem, config, lambda *a, **k: None, lambda: False, trained_epochs=len(trained["training"]["history"]))
        (entry,) = result["hessian"]["history"]
        self.assertEqual((entry["epoch"], entry["reason"]), (3, "end"))
        self.assertEqual(entry["lambdaMax"], max(result["hessian"]["eigenvalues"]))
        self.assertEqual(entry["kind"], result["hessian"]["classification"]["kind"])

    def test_cancellation_keeps_finished_epochs(self):
        problem = classifier()
        calls = [0]

        def cancelled():
            # Checked before each epoch and each of its 12 mini-batches: the 45th check falls inside epoch 4.
            calls[0] += 1
            return calls[0] >= 45

        config = {"seed": 1, "training": {"epochs": 50, "batchSize": 10, "optimizer": {"name": "sgd", "lr": 0.1}}}
        result = training.run_training(problem, config, lambda f, m, partial=None: None, cancelled)
        self.assertTrue(result["cancelled"])
        self.assertEqual(result["training"]["status"], "cancelled")
        self.assertEqual(len(result["training"]["history"]), 3)
        self.assertEqual(len(result["checkpoints"]), 4)


class SaveWeightsTest(unittest.TestCase):
    def test_trained_weights_round_trip(self):
        import json
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            cwd = os.getcwd()
            os.chdir(folder)
            try:
                problem = classifier()
                result, _ = train(problem, {"epochs": 2, "optimizer": {"name": "sgd", "lr": 0.1}, "saveWeights": "out/trained.safetensors"})
                path = result["training"]["savedWeights"]
                self.assertEqual(path, os.path.join(os.path.realpath(folder), "out", "trained.safetensors"))
                with open(path, "rb") as handle:
                    raw = handle.read()
                length = int.from_bytes(raw[:8], "little")
                header = json.loads(raw[8 : 8 + length])
                start, end = header["0.weight"]["data_offsets"]
                weight = torch.frombuffer(bytearray(raw[8 + length + start : 8 + length + end]), dtype=torch.float64).view(header["0.weight"]["shape"])
                self.assertTrue(torch.equal(weight, problem.model[0].weight.detach()))
                result, _ = train(problem, {"epochs": 1, "optimizer": {"name": "sgd", "lr": 0.1}, "saveWeights": "trained.pt"})
                state = torch.load(result["training"]["savedWeights"])
                self.assertTrue(torch.equal(state["2.bias"], problem.model[2].bias.detach()))
            finally:
                os.chdir(cwd)

    def test_the_loaded_weights_file_is_not_overwritten(self):
        import tempfile

        from landscape_lens.errors import ConfigError

        with tempfile.TemporaryDirectory() as folder:
            original = os.path.join(folder, "start.pt")
            torch.save({"kept": torch.ones(1)}, original)
            problem = classifier()
            config = {"seed": 0, "model": {"weights": original}, "training": {"epochs": 1, "saveWeights": original}}
            with self.assertRaises(ConfigError) as caught:
                training.run_training(problem, config, lambda f, m, partial=None: None, lambda: False)
            self.assertEqual(caught.exception.data["field"], "/training/saveWeights")
            self.assertIn("model.weights", caught.exception.message)
            self.assertTrue(torch.equal(torch.load(original)["kept"], torch.ones(1)))


class SaveWeightsSafetyTest(unittest.TestCase):
    """training.saveWeights never overwrites a file the tool did not write, and writes by rename."""

    def setUp(self):
        import tempfile

        self._folder = tempfile.TemporaryDirectory()
        self.folder = os.path.realpath(self._folder.name)
        self.cwd = os.getcwd()
        os.chdir(self.folder)  # saveWeights is relative to the backend's folder, the config's

    def tearDown(self):
        os.chdir(self.cwd)
        self._folder.cleanup()

    def user_file(self, name: str) -> bytes:
        content = b"the user's own weights \x00\x01 (not the tool's)"
        with open(os.path.join(self.folder, name), "wb") as handle:
            handle.write(content)
        return content

    def read(self, name: str) -> bytes:
        with open(os.path.join(self.folder, name), "rb") as handle:
            return handle.read()

    def test_a_users_file_is_refused_before_training_and_survives_byte_for_byte(self):
        from landscape_lens.errors import ConfigError

        for name in ("weights.pt", "weights.safetensors"):
            with self.subTest(name):
                content = self.user_file(name)
                reports = []
                with self.assertRaises(ConfigError) as caught:
                    training.run_training(classifier(), {"seed": 0, "training": {"epochs": 3, "saveWeights": name}},
                                          lambda f, m, partial=None: reports.append(m), lambda: False)
                self.assertEqual(caught.exception.data["field"], "/training/saveWeights")
                self.assertIn(name, caught.exception.message)
                self.assertIn("not written by this tool", caught.exception.message)
                self.assertEqual(reports, [])  # refused before the first epoch
                self.assertEqual(self.read(name), content)
        self.assertEqual(sorted(os.listdir(self.folder)), ["weights.pt", "weights.safetensors"])

    def test_a_second_run_overwrites_the_tools_own_file(self):
        first, _ = train(classifier(), {"epochs": 1, "saveWeights": "out/w.pt"})
        path = first["training"]["savedWeights"]
        self.assertEqual(path, os.path.join(self.folder, "out", "w.pt"))
        self.assertTrue(os.path.isfile(path + ".landscape-lens.json"))
        problem = classifier(seed=1)
        second, _ = train(problem, {"epochs": 2, "saveWeights": "out/w.pt"})
        self.assertEqual(second["training"]["savedWeights"], path)
        self.assertNotIn("warnings", second)
        self.assertTrue(torch.equal(torch.load(path)["0.weight"], problem.model[0].weight.detach()))
        self.assertEqual(sorted(os.listdir(os.path.join(self.folder, "out"))), ["w.pt", "w.pt.landscape-lens.json"])

    def test_the_tools_file_changed_since_is_not_overwritten(self):
        from landscape_lens.errors import ConfigError

        train(classifier(), {"epochs": 1, "saveWeights": "w.pt"})
        with open("w.pt", "ab") as handle:
            handle.write(b"edited")
        edited = self.read("w.pt")
        with self.assertRaises(ConfigError):
            train(classifier(), {"epochs": 1, "saveWeights": "w.pt"})
        self.assertEqual(self.read("w.pt"), edited)

    def test_a_file_that_appears_while_training_is_kept_and_the_weights_go_beside_it(self):
        created = []

        def progress(fraction, message, partial=None):
            if not created:
                created.append(self.user_file("w.safetensors"))

        problem = classifier()
        result = training.run_training(problem, {"seed": 0, "training": {"epochs": 2, "saveWeights": "w.safetensors"}}, progress, lambda: False)
        self.assertEqual(self.read("w.safetensors"), created[0])
        self.assertEqual(result["training"]["savedWeights"], os.path.join(self.folder, "w-2.safetensors"))
        self.assertIn("w-2.safetensors", result["warnings"][0])
        self.assertIn("did not write", result["warnings"][0])
        self.assertEqual(sorted(os.listdir(self.folder)), ["w-2.safetensors", "w-2.safetensors.landscape-lens.json", "w.safetensors"])

    def test_a_failed_write_leaves_no_temporary_file_and_keeps_the_earlier_file(self):
        from unittest import mock

        train(classifier(), {"epochs": 1, "saveWeights": "w.pt"})
        before = self.read("w.pt")

        def broken_save(state, handle, *args, **kwargs):
            handle.write(b"half a file")
            raise OSError(28, "No space left on device")

        with mock.patch("landscape_lens.save_weights.torch.save", broken_save):
            result, _ = train(classifier(seed=2), {"epochs": 1, "saveWeights": "w.pt"})
        self.assertIn("No space left on device", result["warnings"][0])
        self.assertNotIn("savedWeights", result["training"])
        self.assertEqual(self.read("w.pt"), before)
        self.assertEqual(sorted(os.listdir(self.folder)), ["w.pt", "w.pt.landscape-lens.json"])


class OptimizerTest(unittest.TestCase):
    def test_defaults_are_torch_defaults(self):
        spec = resolve_optimizer({"name": "adamw"})
        self.assertEqual(spec["parameters"]["weight_decay"], 1e-2)
        self.assertEqual(resolve_optimizer({"name": "sgd", "momentum": 0.9})["label"], "sgd (momentum 0.9)")

    def test_unknown_optimizer_is_a_config_error_naming_the_field(self):
        with self.assertRaises(OptimizerError) as raised:
            resolve_optimizer({"name": "lbfgs"})
        self.assertEqual(raised.exception.data["field"], "/training/optimizer/name")
        self.assertEqual(raised.exception.data["kind"], "config")
        self.assertIn("lbfgs", str(raised.exception))

    def test_newton_solves_least_squares_in_one_step(self):
        torch.manual_seed(1)
        x = torch.randn(40, 3, dtype=torch.float64)
        targets = x @ torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64) + 0.3 + 0.01 * torch.randn(40, 1, dtype=torch.float64)
        for name in ("newton", "saddle-free-newton"):
            problem = Problem.from_module(torch.nn.Linear(3, 1).double(), x, targets, "mse")
            design = torch.cat([x, torch.ones(40, 1, dtype=torch.float64)], dim=1)
            best = torch.linalg.lstsq(design, targets).solution
            result, _ = train(problem, {"epochs": 1, "optimizer": {"name": name}})
            self.assertLess(float((problem.flat() - best.reshape(-1)).abs().max()), 1e-10, name)
            self.assertEqual(result["training"]["optimizer"], name)

    def test_newton_on_a_large_model_is_refused_with_the_field(self):
        problem = Problem.from_module(torch.nn.Linear(100, 40).double(), torch.randn(10, 100, dtype=torch.float64), torch.randn(10, 40, dtype=torch.float64), "mse")
        with self.assertRaises(OptimizerError) as raised:
            train(problem, {"epochs": 1, "optimizer": {"name": "newton"}})
        self.assertEqual(raised.exception.data["field"], "/training/optimizer/name")
        self.assertIn("4040", str(raised.exception))

    def test_schedules(self):
        self.assertAlmostEqual(scheduled_learning_rate({"kind": "exponential", "gamma": 0.9}, 1.0, 2), 0.81)
        cosine = {"kind": "cosine", "T_max": 10, "eta_min": 0.1}
        self.assertAlmostEqual(scheduled_learning_rate(cosine, 1.0, 5), 0.1 + 0.9 * (1 + math.cos(math.pi / 2)) / 2)
        # torch's CosineAnnealingLR gives the same rate at each step.
        parameter = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([parameter], lr=1.0)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=0.1)
        for t in range(10):
            self.assertAlmostEqual(optimizer.param_groups[0]["lr"], scheduled_learning_rate(cosine, 1.0, t), places=12)
            optimizer.step()
            scheduler.step()


class DetectorTest(unittest.TestCase):
    def test_window_and_plateaus(self):
        detector = SaddleDetector(1e-3, 2)
        self.assertEqual([detector.update(v) for v in (1e-4, 1e-4, 1.0, 1e-4)], [False, True, False, False])
        self.assertEqual(plateaus([5.0, 4.0, 3.9999, 3.9998, 3.9997, 2.0], 1e-2), [(3, 4)])
        # Measured against the loss's own range, as the engine: a steady fall is no plateau, a
        # levelling-off is one, in any units; a loss that does not move is one plateau.
        steady = [6.3442 - 0.0178 * i / 227 for i in range(228)]
        self.assertEqual(plateaus(steady, 1e-3), [])
        levelling = [2 - 0.09 * i if i < 20 else 0.2 + 1e-6 * (60 - i) for i in range(60)]
        self.assertEqual(plateaus(levelling, 1e-3), [(22, 60)])
        self.assertEqual(plateaus([1000 * v + 7 for v in levelling], 1e-3), [(22, 60)])
        self.assertEqual(plateaus([3.0, 3.0, 3.0, 3.0], 1e-3), [(1, 4)])
        self.assertEqual(loss_range([1.0, float("nan"), 3.0, float("inf")]), 2.0)
        stopper = EarlyStopping(2, 0.1)
        self.assertEqual([stopper.update(v) for v in (1.0, 0.95, 0.92)], [False, False, True])


if __name__ == "__main__":
    unittest.main()
