"""initialize: loading the model, weights, loss and data, and the errors a user can cause."""

import json
import struct
import unittest

import torch

import helpers
from helpers import MLP_DATA, MLP_MODEL, ProjectFolder, mlp_config
from landscape_lens.errors import ConfigError, UserCodeError
from landscape_lens.loading import load_problem, read_safetensors
from landscape_lens.server import Session


def initialize(folder: ProjectFolder, config: dict) -> dict:
    return Session().initialize({"protocolVersion": 1, "config": config, "baseDir": folder.path}, lambda *a, **k: None, lambda: False)


class InitializeTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": MLP_DATA})

    def tearDown(self):
        self.folder.remove()

    def test_sequential_mlp(self):
        result = initialize(self.folder, mlp_config())
        self.assertEqual(result["protocolVersion"], 1)
        self.assertEqual(result["backend"]["name"], "pytorch")
        self.assertEqual(result["backend"]["dtype"], "float64")
        self.assertEqual(result["backend"]["parameters"], 4 * 6 + 6 + 6 * 3 + 3)
        self.assertEqual(result["modules"], [{"name": "0", "type": "Linear", "parameters": 30}, {"name": "2", "type": "Linear", "parameters": 21}])
        self.assertEqual(result["data"], {"trainRows": 40, "testRows": 0, "inputShape": [4], "classes": 3})
        json.dumps(result)  # plain JSON

    def test_seeded_split_and_samples(self):
        config = mlp_config()
        config["data"].update({"samples": 30, "testFraction": 0.2})
        problem, _ = load_problem(config, self.folder.path)
        self.assertEqual((problem.rows("train"), problem.rows("test")), (24, 6))
        again, _ = load_problem(config, self.folder.path)
        self.assertTrue(torch.equal(problem.data("test")[0], again.data("test")[0]))

    def test_user_module_is_not_registered_under_its_own_name(self):
        import sys

        load_problem(mlp_config(), self.folder.path)
        self.assertNotIn("model", sys.modules)
        self.assertNotIn("data", sys.modules)

    def test_wrong_protocol_version(self):
        with self.assertRaises(Exception) as caught:
            Session().initialize({"protocolVersion": 99, "config": mlp_config(), "baseDir": self.folder.path}, lambda *a: None, lambda: False)
        self.assertIn("protocolVersion 99", str(caught.exception))

    def test_missing_function_lists_the_defined_ones(self):
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(pytorch="model.py:build"), self.folder.path)
        self.assertEqual(caught.exception.data["field"], "/model/pytorch")
        self.assertIn("no function build", caught.exception.message)
        self.assertIn("make_model", caught.exception.message)

    def test_missing_file(self):
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(pytorch="nets.py:make_model"), self.folder.path)
        self.assertIn("nets.py does not exist", caught.exception.message)

    def test_unavailable_cuda_device_is_an_environment_error(self):
        from landscape_lens.errors import EnvironmentProblem

        config = mlp_config()
        config["runtime"] = {"device": "cuda:7"}
        if torch.cuda.is_available() and torch.cuda.device_count() > 7:
            self.skipTest("this machine has 8 CUDA devices")
        with self.assertRaises(EnvironmentProblem) as caught:
            load_problem(config, self.folder.path)
        self.assertEqual(caught.exception.to_json()["code"], 3)
        self.assertIn('runtime.device "cuda:7"', caught.exception.message)

    def test_sse_sums_over_batches(self):
        config = mlp_config(loss="sse")
        config["data"]["batchSize"] = 7
        problem, _ = load_problem(config, self.folder.path)
        x, y = problem.data()
        with torch.no_grad():
            out = problem.model(x)
        onehot = torch.nn.functional.one_hot(y, 3).double()
        self.assertAlmostEqual(problem.loss(), 0.5 * float(((out - onehot) ** 2).sum()), places=10)

    def test_unknown_loss_name(self):
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(loss="cross-entropy"), self.folder.path)
        self.assertEqual(caught.exception.data["field"], "/model/loss")
        self.assertIn("softmax-cross-entropy", caught.exception.message)


class WeightsTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": MLP_DATA})
        torch.manual_seed(5)
        self.state = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).state_dict()

    def tearDown(self):
        self.folder.remove()

    def test_weights_are_loaded(self):
        torch.save(self.state, self.folder.file("final.pt"))
        problem, _ = load_problem(mlp_config(weights="final.pt"), self.folder.path)
        self.assertTrue(torch.equal(problem.params[0].detach(), self.state["0.weight"].double()))

    def test_checkpoint_dict_with_model_state_dict(self):
        torch.save({"epoch": 3, "model_state_dict": self.state}, self.folder.file("ckpt.pth"))
        problem, _ = load_problem(mlp_config(weights="ckpt.pth"), self.folder.path)
        self.assertTrue(torch.equal(problem.params[3].detach(), self.state["2.bias"].double()))

    def test_missing_and_unexpected_keys_are_named(self):
        state = dict(self.state)
        del state["2.bias"]
        state["head.weight"] = torch.zeros(2)
        torch.save(state, self.folder.file("bad.pt"))
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(weights="bad.pt"), self.folder.path)
        error = caught.exception
        self.assertEqual(error.data["field"], "/model/weights")
        self.assertIn("missing keys: 2.bias", error.message)
        self.assertIn("unexpected keys: head.weight", error.message)
        self.assertEqual(error.data["missing"], ["2.bias"])
        self.assertIn('"strict": false', error.message)

    def test_strict_false_loads_the_keys_that_match(self):
        state = dict(self.state)
        del state["2.bias"]
        torch.save(state, self.folder.file("partial.pt"))
        problem, _ = load_problem(mlp_config(weights="partial.pt", strict=False), self.folder.path)
        self.assertTrue(torch.equal(problem.params[0].detach(), self.state["0.weight"].double()))

    def test_wrong_shape_is_named(self):
        state = dict(self.state)
        state["0.weight"] = torch.zeros(6, 5)
        torch.save(state, self.folder.file("shape.pt"))
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(weights="shape.pt"), self.folder.path)
        self.assertIn("0.weight (6, 5)", caught.exception.message)

    def write_safetensors(self, path: str, tensors: dict) -> None:
        """A .safetensors file written by hand after the format's specification."""
        header, blobs, offset = {}, [], 0
        for name, tensor in tensors.items():
            data = tensor.contiguous().numpy().astype("<f4").tobytes()
            header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
            blobs.append(data)
            offset += len(data)
        encoded = json.dumps({"__metadata__": {"format": "pt"}, **header}).encode()
        with open(path, "wb") as handle:
            handle.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))

    def test_safetensors_read_by_hand(self):
        path = self.folder.file("final.safetensors")
        self.write_safetensors(path, self.state)
        read = read_safetensors(path)
        self.assertEqual(sorted(read), sorted(self.state))
        for name, tensor in self.state.items():
            self.assertEqual(read[name].dtype, torch.float32)
            self.assertTrue(torch.equal(read[name], tensor), name)
        problem, _ = load_problem(mlp_config(weights="final.safetensors"), self.folder.path)
        self.assertTrue(torch.equal(problem.params[2].detach(), self.state["2.weight"].double()))


class UserErrorsTest(unittest.TestCase):
    def tearDown(self):
        self.folder.remove()

    def test_model_file_that_raises_names_file_and_line(self):
        self.folder = ProjectFolder({
            "model.py": """
                import torch

                def helper(width):
                    raise ValueError(f"bad width {width}")

                def make_model():
                    return helper(3)
                """,
            "data.py": MLP_DATA,
        })
        with self.assertRaises(UserCodeError) as caught:
            load_problem(mlp_config(), self.folder.path)
        error = caught.exception
        self.assertEqual(error.message, "model.py:4: ValueError: bad width 3 (in helper)")
        self.assertEqual((error.data["file"], error.data["line"]), ("model.py", 4))
        self.assertIn("Traceback", error.data["traceback"])
        self.assertIn("make_model", error.data["traceback"])
        self.assertEqual(error.to_json()["code"], 1)

    def test_error_in_forward_names_the_forward(self):
        self.folder = ProjectFolder({
            "model.py": """
                import torch

                class Net(torch.nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc = torch.nn.Linear(4, 3)

                    def forward(self, x):
                        return self.fc(x.view(-1, 5))

                def make_model():
                    return Net()
                """,
            "data.py": MLP_DATA,
        })
        with self.assertRaises(UserCodeError) as caught:
            load_problem(mlp_config(), self.folder.path)
        self.assertTrue(caught.exception.message.startswith("model.py:9: RuntimeError"), caught.exception.message)
        self.assertIn("(in forward)", caught.exception.message)

    def test_data_that_does_not_fit_a_sequential_model(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": "import torch\n\ndef make_data():\n    return torch.zeros(8, 5), torch.zeros(8, dtype=torch.long)\n"})
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(), self.folder.path)
        self.assertEqual(caught.exception.data["field"], "/data/factory")
        self.assertIn("inputs (8, 5)", caught.exception.message)
        self.assertIn("model.py:make_model", caught.exception.message)

    def test_factory_returning_the_wrong_type(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": "def make_data():\n    return {'x': 1}\n"})
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(), self.folder.path)
        self.assertEqual(caught.exception.data["field"], "/data/factory")
        self.assertIn("returned a dict", caught.exception.message)
        self.assertIn("Dataset", caught.exception.message)

    def test_dataset_is_stacked(self):
        self.folder = ProjectFolder({
            "model.py": MLP_MODEL,
            "data.py": """
                import torch

                class Points(torch.utils.data.Dataset):
                    def __len__(self):
                        return 12

                    def __getitem__(self, i):
                        return torch.full((4,), float(i)), i % 3

                def make_data():
                    return Points()
                """,
        })
        problem, _ = load_problem(mlp_config(), self.folder.path)
        x, y = problem.data("train")
        self.assertEqual(tuple(x.shape), (12, 4))
        self.assertEqual(y.tolist(), [i % 3 for i in range(12)])

    def test_custom_loss_returning_a_non_scalar(self):
        self.folder = ProjectFolder({
            "model.py": MLP_MODEL,
            "data.py": MLP_DATA,
            "loss.py": """
                import torch.nn.functional as F

                def per_row(output, target):
                    return F.cross_entropy(output, target, reduction="none")
                """,
        })
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(loss="loss.py:per_row"), self.folder.path)
        self.assertEqual(caught.exception.data["field"], "/model/loss")
        self.assertIn("loss.py:per_row returned (40,)", caught.exception.message)
        self.assertIn("scalar", caught.exception.message)

    def test_custom_loss_is_used(self):
        self.folder = ProjectFolder({
            "model.py": MLP_MODEL,
            "data.py": MLP_DATA,
            "loss.py": """
                import torch.nn.functional as F

                def doubled(output, target):
                    return 2 * F.cross_entropy(output, target)
                """,
        })
        custom, _ = load_problem(mlp_config(loss="loss.py:doubled"), self.folder.path)
        plain, _ = load_problem(mlp_config(), self.folder.path)
        self.assertAlmostEqual(custom.loss(), 2 * plain.loss(), places=12)


if __name__ == "__main__":
    unittest.main()


HUGE_DATASET = """
import torch

READ = []

class Huge(torch.utils.data.Dataset):
    def __len__(self):
        return 10**9

    def __getitem__(self, i):
        READ.append(i)
        if len(READ) > 1000:
            raise RuntimeError("read more than 1000 items of a Dataset of 10**9")
        return torch.full((4,), float(i % 7)), i % 3

def make_data():
    return Huge()
"""


class DataTest(unittest.TestCase):
    """The data a factory returns: read lazily, non-finite values and empty sets named, threads and devices checked."""

    def setUp(self):
        self.folder = None

    def tearDown(self):
        if self.folder:
            self.folder.remove()

    def project(self, data: str) -> ProjectFolder:
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": data})
        return self.folder

    def test_a_huge_dataset_reads_only_the_samples_kept(self):
        folder = self.project(HUGE_DATASET)
        config = mlp_config()
        config["data"]["samples"] = 30
        problem, loader = load_problem(config, folder.path)
        self.assertEqual(problem.rows("train"), 30)
        module = next(m for name, m in loader._modules.items() if name.endswith("data.py"))
        self.assertEqual(module.READ, list(range(30)))

    def test_a_huge_dataset_without_samples_is_refused_before_reading(self):
        folder = self.project(HUGE_DATASET)
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(), folder.path)
        self.assertEqual(caught.exception.data["field"], "/data/samples")
        self.assertIn("1,000,000,000 items", caught.exception.message)
        self.assertIn("set data.samples", caught.exception.message)

    def test_non_finite_inputs_are_named_with_their_rows(self):
        folder = self.project("""
            import torch

            def make_data():
                x = torch.randn(50, 4, generator=torch.Generator().manual_seed(1))
                x[5, 1] = float("nan")
                x[17, 0] = float("inf")
                x[40, 3] = float("nan")
                return x, torch.arange(50) % 3
            """)
        config = mlp_config()
        config["data"]["testFraction"] = 0.2
        with self.assertRaises(ConfigError) as caught:
            load_problem(config, folder.path)
        error = caught.exception
        self.assertEqual(error.data["field"], "/data/factory")
        self.assertEqual(error.data["rows"], [5, 17, 40])
        self.assertIn("data.factory data.py:make_data: inputs hold 3 non-finite values (2 NaN and 1 infinite) in rows 5, 17, 40", error.message)
        self.assertIn("clean the data or drop those rows", error.message)
        config["data"]["samples"] = 5  # rows 0-4 are finite
        problem, _ = load_problem(config, folder.path)
        self.assertEqual(problem.rows("train") + problem.rows("test"), 5)

    def test_non_finite_targets_are_named(self):
        folder = self.project("""
            import torch

            def make_data():
                y = torch.zeros(20, 3)
                y[12, 2] = float("nan")
                return torch.ones(20, 4), y
            """)
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(loss="mse"), folder.path)
        self.assertIn("targets hold 1 non-finite value (1 NaN) in row 12", caught.exception.message)

    def test_empty_data_names_the_factory_not_the_test_fraction(self):
        for data in ("import torch\n\ndef make_data():\n    return torch.zeros(0, 4), torch.zeros(0, dtype=torch.long)\n",
                     "import torch\n\nclass Empty(torch.utils.data.Dataset):\n    def __len__(self):\n        return 0\n\n    def __getitem__(self, i):\n        raise IndexError(i)\n\ndef make_data():\n    return Empty()\n"):
            with self.subTest(data=data.splitlines()[2]):
                folder = self.project(data)
                config = mlp_config()
                config["data"]["testFraction"] = 0.2
                with self.assertRaises(ConfigError) as caught:
                    load_problem(config, folder.path)
                self.assertEqual(caught.exception.data["field"], "/data/factory")
                self.assertIn("data.factory data.py:make_data", caught.exception.message)
                self.assertNotIn("testFraction", caught.exception.message)
                folder.remove()
                self.folder = None

    def test_threads_above_the_cores_are_capped(self):
        import contextlib
        import io
        import os
        from unittest import mock

        folder = self.project(MLP_DATA)
        config = mlp_config()
        config["runtime"] = {"threads": 100000}
        stderr = io.StringIO()
        with mock.patch("landscape_lens.loading.set_threads") as set_threads, contextlib.redirect_stderr(stderr):
            load_problem(config, folder.path)
        set_threads.assert_called_once_with(os.cpu_count())
        self.assertIn(f"runtime.threads 100000: this machine has {os.cpu_count()} cores", stderr.getvalue())

    def test_an_unavailable_mps_device_lists_the_choices(self):
        from landscape_lens.errors import EnvironmentProblem
        from landscape_lens.loading import available_devices

        if "mps" in available_devices():
            self.skipTest("this machine has an MPS device")
        folder = self.project(MLP_DATA)
        config = mlp_config()
        config["runtime"] = {"device": "mps"}
        with self.assertRaises(EnvironmentProblem) as caught:
            load_problem(config, folder.path)
        self.assertEqual(caught.exception.data["field"], "/runtime/device")
        self.assertIn('runtime.device "mps": ', caught.exception.message)
        self.assertIn("no MPS device", caught.exception.message)
        self.assertIn('"cpu"', caught.exception.message)
        config["runtime"] = {"device": "tpu"}
        with self.assertRaises(ConfigError) as caught:
            load_problem(config, folder.path)
        self.assertIn('this machine has "auto", "cpu"', caught.exception.message)
