"""Checkpoints never run code: a pickle that runs code when unpickled is refused wherever a config
names it (model.weights, analyses.landscape.to, a file of analyses.landscape.trajectory) unless
model.trustCheckpoint is true; .safetensors headers are checked against the file before anything
is read or allocated."""

import io
import json
import os
import struct
import sys
import time
import tracemalloc
import types
import unittest

import torch

import helpers
from helpers import MLP_DATA, MLP_MODEL, ProjectFolder, mlp_config
from landscape_lens.errors import ConfigError
from landscape_lens.landscape import run_landscape
from landscape_lens.loading import load_problem, load_state_dict_file, load_weights_only, read_safetensors

quiet = lambda *a, **k: None  # noqa: E731
never = lambda: False  # noqa: E731


class WritesMarker:
    """Unpickled, opens (creates) the marker file: what any code in a pickle could do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


class WritesMarkerAndReturnsWeights:
    """Unpickled, creates the marker and then returns a valid state_dict (read from a clean file),
    so a loader that falls back to full unpickling would finish without an error."""

    def __init__(self, marker: str, clean: str) -> None:
        self.marker, self.clean = marker, clean

    def __reduce__(self):
        return (eval, (f"(open({self.marker!r}, 'w').close(), __import__('torch').load({self.clean!r}))[1]",))


def mlp_state(seed: int) -> dict:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).state_dict()


class MaliciousPickleTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": MLP_DATA})
        os.makedirs(self.folder.file("checkpoints"))
        self.marker = self.folder.file("marker")
        torch.save(mlp_state(1), self.folder.file("clean.pt"))
        torch.save(mlp_state(2), self.folder.file("checkpoints/epoch-0.pt"))
        torch.save({"x": WritesMarker(self.marker)}, self.folder.file("evil.pt"))
        torch.save(WritesMarkerAndReturnsWeights(self.marker, self.folder.file("clean.pt")), self.folder.file("evil-weights.pt"))
        torch.save(WritesMarkerAndReturnsWeights(self.marker, self.folder.file("clean.pt")), self.folder.file("checkpoints/epoch-1.pt"))
        torch.save(mlp_state(3), self.folder.file("checkpoints/epoch-2.pt"))

    def tearDown(self):
        self.folder.remove()

    def assert_refused(self, caught, name: str, field: str) -> None:
        error = caught.exception
        self.assertIsInstance(error, ConfigError)
        self.assertEqual(error.data["field"], field)
        self.assertIn(name, error.message)
        self.assertIn("trustCheckpoint", error.message)
        self.assertIn("could run code", error.message)
        self.assertFalse(os.path.exists(self.marker), "the pickle's code ran")

    def test_model_weights(self):
        for name in ("evil.pt", "evil-weights.pt"):
            with self.subTest(name), self.assertRaises(ConfigError) as caught:
                load_problem(mlp_config(weights=name), self.folder.path)
            self.assert_refused(caught, name, "/model/weights")
            self.assertIn("Unsupported class", caught.exception.data["reason"])

    def test_the_legacy_pickle_format_is_refused_too(self):
        torch.save({"x": WritesMarker(self.marker)}, self.folder.file("legacy.pt"), _use_new_zipfile_serialization=False)
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(weights="legacy.pt"), self.folder.path)
        self.assert_refused(caught, "legacy.pt", "/model/weights")

    def test_interpolation_target(self):
        config = mlp_config(weights="clean.pt")
        config["analyses"] = {"landscape": {"directions": "interpolation", "to": "evil-weights.pt", "resolution": 3}}
        problem, loader = load_problem(config, self.folder.path)
        with self.assertRaises(ConfigError) as caught:
            run_landscape(problem, config, loader, quiet, never, workers=1)
        self.assert_refused(caught, "evil-weights.pt", "/analyses/landscape/to")

    def test_a_file_of_the_trajectory_glob(self):
        config = mlp_config(weights="clean.pt")
        config["analyses"] = {"landscape": {"directions": "pca", "trajectory": "checkpoints/epoch-*.pt", "resolution": 3}}
        problem, loader = load_problem(config, self.folder.path)
        with self.assertRaises(ConfigError) as caught:
            run_landscape(problem, config, loader, quiet, never, workers=1)
        self.assert_refused(caught, "epoch-1.pt", "/analyses/landscape/trajectory")

    def test_a_pickle_whose_floats_come_before_its_code(self):
        # torch 1.13's weights-only unpickler reads no floats; the restricted standard unpickler
        # that then reads the file must refuse the code all the same.
        for legacy in (False, True):
            with self.subTest(legacy=legacy):
                torch.save({"lr": 0.1, "x": WritesMarker(self.marker)}, self.folder.file("floats.pt"), _use_new_zipfile_serialization=not legacy)
                with self.assertRaises(ConfigError) as caught:
                    load_problem(mlp_config(weights="floats.pt"), self.folder.path)
                self.assert_refused(caught, "floats.pt", "/model/weights")
                self.assertIn("io.open", caught.exception.data["reason"])

    def test_a_cluster_workers_state_is_unpickled_weights_only(self):
        buffer = io.BytesIO()
        torch.save({"x": WritesMarker(self.marker)}, buffer)
        with self.assertRaises(Exception):
            load_weights_only(io.BytesIO(buffer.getvalue()))
        self.assertFalse(os.path.exists(self.marker))

    def test_a_whole_pickled_module_needs_trust(self):
        torch.manual_seed(3)
        module = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
        torch.save(module, self.folder.file("module.pt"))
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(weights="module.pt"), self.folder.path)
        self.assertIn("trustCheckpoint", caught.exception.message)
        problem, _ = load_problem(mlp_config(weights="module.pt", trustCheckpoint=True), self.folder.path)
        self.assertTrue(torch.equal(problem.params[0].detach(), module[0].weight.detach().double()))

    def test_a_torchscript_archive_needs_trust(self):
        torch.manual_seed(3)
        module = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
        torch.jit.save(torch.jit.script(module), self.folder.file("scripted.pt"))
        with self.assertRaises(ConfigError) as caught:
            load_problem(mlp_config(weights="scripted.pt"), self.folder.path)
        self.assertIn("TorchScript", caught.exception.message)
        self.assertIn("trustCheckpoint", caught.exception.message)
        problem, _ = load_problem(mlp_config(weights="scripted.pt", trustCheckpoint=True), self.folder.path)
        self.assertTrue(torch.equal(problem.params[0].detach(), module[0].weight.detach().double()))

    def test_trust_checkpoint_true_loads_the_file_in_full(self):
        problem, _ = load_problem(mlp_config(weights="evil-weights.pt", trustCheckpoint=True), self.folder.path)
        self.assertTrue(os.path.exists(self.marker))  # what the opt-in means: the file's code ran
        self.assertTrue(torch.equal(problem.params[0].detach(), mlp_state(1)["0.weight"].double()))

    def test_trust_is_only_a_literal_true(self):
        with self.assertRaises(ConfigError):
            load_problem(mlp_config(weights="evil-weights.pt", trustCheckpoint="yes"), self.folder.path)
        self.assertFalse(os.path.exists(self.marker))

    def test_trust_reaches_the_landscape_files(self):
        config = mlp_config(weights="clean.pt", trustCheckpoint=True)
        config["analyses"] = {"landscape": {"directions": "interpolation", "to": "evil-weights.pt", "resolution": 3}}
        problem, loader = load_problem(config, self.folder.path)
        result = run_landscape(problem, config, loader, quiet, never, workers=1)
        self.assertTrue(result["landscape"]["complete"])
        self.assertTrue(os.path.exists(self.marker))

    def test_plain_checkpoints_still_load(self):
        torch.save({"epoch": 3, "model_state_dict": mlp_state(4), "optimizer": {"lr": 0.1, "betas": (0.9, 0.99)}}, self.folder.file("ckpt.pth"))
        problem, _ = load_problem(mlp_config(weights="ckpt.pth"), self.folder.path)
        self.assertTrue(torch.equal(problem.params[3].detach(), mlp_state(4)["2.bias"].double()))


def safetensors_bytes(header: dict, body: bytes, length=None) -> bytes:
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded) if length is None else length) + encoded + body


def valid_header(rows=2, columns=3):
    return {"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [rows, columns], "data_offsets": [0, 4 * rows * columns]}}


class SafetensorsHeaderTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": MLP_DATA})

    def tearDown(self):
        self.folder.remove()

    def write(self, raw: bytes, name="bad.safetensors") -> str:
        path = self.folder.file(name)
        with open(path, "wb") as handle:
            handle.write(raw)
        return path

    def refused(self, raw: bytes, *words: str) -> str:
        """The message read_safetensors and load_state_dict_file give, checked to come fast and without a large allocation."""
        path = self.write(raw)
        tracemalloc.start()
        started = time.perf_counter()
        try:
            with self.assertRaises(ValueError) as caught:
                read_safetensors(path)
            with self.assertRaises(ConfigError) as wrapped:
                load_state_dict_file(path, "/model/weights")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertLess(time.perf_counter() - started, 1.0)
        self.assertLess(peak, 8 << 20)
        message = str(caught.exception)
        for word in words:
            self.assertIn(word, message)
        self.assertIn("model.weights", wrapped.exception.message)
        self.assertIn(path, wrapped.exception.message)
        return message

    def test_a_valid_file_reads(self):
        data = torch.arange(6, dtype=torch.float32)
        path = self.write(safetensors_bytes(valid_header(), data.numpy().tobytes()), "ok.safetensors")
        self.assertTrue(torch.equal(read_safetensors(path)["w"], data.reshape(2, 3)))

    def test_truncated_file(self):
        raw = safetensors_bytes(valid_header(), bytes(24))
        self.refused(raw[:-5], "[0, 24]", "truncated")
        self.refused(raw[:5], "shorter than the 8-byte header length")
        self.refused(raw[:20], "runs past the end of the file")

    def test_offsets_past_the_end(self):
        header = valid_header()
        header["w"]["data_offsets"] = [8, 32]
        self.refused(safetensors_bytes(header, bytes(24)), "[8, 32]", "outside")

    def test_overlapping_tensors(self):
        header = {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}
        self.refused(safetensors_bytes(header, bytes(24)), '"a"', '"b"', "overlap")

    def test_size_other_than_shape_times_dtype(self):
        header = valid_header()
        header["w"]["data_offsets"] = [0, 20]
        self.refused(safetensors_bytes(header, bytes(24)), "needs 24 bytes", "hold 20")

    def test_ten_gigabyte_shape_in_a_one_kilobyte_file(self):
        header = {"w": {"dtype": "F64", "shape": [50_000, 25_000], "data_offsets": [0, 1000]}}
        self.refused(safetensors_bytes(header, bytes(1000)), "[50000, 25000]", "more than the file's 1000 bytes")
        header = {"w": {"dtype": "F64", "shape": [50_000, 25_000], "data_offsets": [0, 10_000_000_000]}}
        self.refused(safetensors_bytes(header, bytes(1000)), "outside")

    def test_huge_header_length(self):
        self.refused(safetensors_bytes(valid_header(), bytes(24), length=2**63), "runs past the end")
        self.refused(safetensors_bytes(valid_header(), bytes(24), length=2**64 - 1), "runs past the end")

    def test_malformed_headers(self):
        self.refused(struct.pack("<Q", 5) + b"nope!", "not JSON")
        self.refused(safetensors_bytes([1, 2], b""), "not an object")
        for entry, word in (({"dtype": "F128", "shape": [1], "data_offsets": [0, 16]}, '"F128"'),
                            ({"dtype": ["F32"], "shape": [1], "data_offsets": [0, 4]}, "dtype"),
                            ({"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}, "whole numbers ≥ 0"),
                            ({"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}, "whole numbers ≥ 0"),
                            ({"dtype": "F32", "shape": [1], "data_offsets": [0]}, "two whole numbers"),
                            ({"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}, "outside"),
                            ({"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}, "outside")):
            with self.subTest(entry):
                self.refused(safetensors_bytes({"w": entry}, bytes(16)), word)

    def test_the_safetensors_package_gets_only_checked_files(self):
        calls = []
        package, module = types.ModuleType("safetensors"), types.ModuleType("safetensors.torch")
        module.load_file = lambda path: calls.append(path) or {"w": torch.zeros(2, 3)}
        package.torch = module
        saved = {name: sys.modules.get(name) for name in ("safetensors", "safetensors.torch")}
        sys.modules.update({"safetensors": package, "safetensors.torch": module})
        try:
            header = valid_header()
            header["w"]["data_offsets"] = [0, 20]
            bad = self.write(safetensors_bytes(header, bytes(24)))
            with self.assertRaises(ConfigError):
                load_state_dict_file(bad, "/model/weights")
            self.assertEqual(calls, [])
            good = self.write(safetensors_bytes(valid_header(), bytes(24)), "good.safetensors")
            load_state_dict_file(good, "/model/weights")
            self.assertEqual(calls, [good])
        finally:
            for name, value in saved.items():
                if value is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = value


if __name__ == "__main__":
    unittest.main()
