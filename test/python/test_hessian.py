"""The PyTorch backend's Hessian analyses against torch.autograd.functional.hessian + numpy in float64."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

from landscape_lens import hessian  # noqa: E402
from landscape_lens.eigensolvers import lanczos_extremes, power_iteration  # noqa: E402
from landscape_lens.hvp import DoubleBackpropOperator, ForwardOverReverseOperator, MatrixOperator  # noqa: E402
from landscape_lens.problem import Problem  # noqa: E402

try:
    from torch.func import functional_call  # type: ignore[attr-defined]
except ImportError:
    from torch.nn.utils.stateless import functional_call


def small_problem(batch_size=None, rows=60, seed=0, loss="softmax-cross-entropy"):
    """A 4-6-3 tanh MLP (51 parameters) on random data, float64."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
    x = torch.randn(rows, 4, dtype=torch.float64)
    y = torch.randint(0, 3, (rows,)) if loss == "softmax-cross-entropy" else torch.randn(rows, 3, dtype=torch.float64)
    return Problem.from_module(model, x, y, loss, batch_size=batch_size)


def exact_hessian(problem):
    """The Hessian of the whole-set loss by torch.autograd.functional.hessian on the flat parameters."""
    x, y = problem.data("train")

    def loss(theta):
        weights = dict(zip(problem.names, problem.unflatten(theta)))
        return problem.criterion(functional_call(problem.model, weights, (x,)), y)

    return torch.autograd.functional.hessian(loss, problem.flat()).numpy()


def run(problem, settings, seed=0, cancelled=lambda: False):
    reports = []
    result = hessian.run_hessian(problem, {"seed": seed, "model": {}, "analyses": {"hessian": settings}}, lambda f, m, partial=None: reports.append((f, m, partial)), cancelled)
    return result, reports


class DenseSpectrumTest(unittest.TestCase):
    def test_eigenvalues_match_autograd_hessian(self):
        # Evaluation batches of 16 rows: the products sum over batches to the whole-set Hessian.
        problem = small_problem(batch_size=16)
        expected = np.linalg.eigvalsh(exact_hessian(problem))
        result, _ = run(problem, {})
        found = np.array(result["hessian"]["eigenvalues"])
        self.assertEqual(found.shape, expected.shape)
        self.assertLess(np.max(np.abs(found - expected)), 1e-10)
        self.assertTrue(result["hessian"]["classification"]["complete"])

    def test_products_match_autograd_hessian_for_both_modes(self):
        problem = small_problem()
        matrix = torch.from_numpy(exact_hessian(problem))
        v = torch.randn(problem.dimension, dtype=torch.float64)
        for operator in (DoubleBackpropOperator(problem), ForwardOverReverseOperator(problem)):
            self.assertLess(float((operator.apply(v) - matrix @ v).abs().max()), 1e-12)

    def test_forward_over_reverse_runs_on_plain_operations(self):
        # A loss of plain tensor operations has forward-mode rules in torch 1.13 and 2.x: no fallback.
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
        x, t = torch.randn(30, 4, dtype=torch.float64), torch.randn(30, 3, dtype=torch.float64)
        problem = Problem.from_module(model, x, t, "plain", batch_size=8, loss_fn=lambda out, target: ((out - target) ** 2).mean())
        operator = ForwardOverReverseOperator(problem)
        v = torch.randn(problem.dimension, dtype=torch.float64)
        product = operator.apply(v)
        self.assertIsNone(operator._fallback)
        self.assertLess(float((product - torch.from_numpy(exact_hessian(problem)) @ v).abs().max()), 1e-12)

    def test_trace_exact_is_the_eigenvalue_sum(self):
        problem = small_problem(loss="mse")
        matrix = exact_hessian(problem)
        result, _ = run(problem, {"trace": {"probes": 400}})
        trace = result["hessian"]["trace"]
        self.assertAlmostEqual(trace["exact"], float(np.trace(matrix)), delta=1e-10)
        # Hutchinson's estimate lies within four standard errors of the exact trace.
        self.assertLess(abs(trace["estimate"] - np.trace(matrix)), 4 * trace["standardError"])
        self.assertEqual(trace["probes"], 400)


class ConvolutionTest(unittest.TestCase):
    def test_cnn_with_batchnorm_in_evaluation_mode(self):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(48, 2)).double()
        with torch.no_grad():
            model[1].running_mean.uniform_(-0.5, 0.5)
            model[1].running_var.uniform_(0.5, 2.0)
        x = torch.randn(30, 1, 6, 6, dtype=torch.float64)
        problem = Problem.from_module(model, x, torch.randint(0, 2, (30,)), "softmax-cross-entropy", batch_size=8)
        matrix = exact_hessian(problem)
        result, _ = run(problem, {"layers": True})
        h = result["hessian"]
        np.testing.assert_allclose(h["eigenvalues"], np.linalg.eigvalsh(matrix), atol=1e-10)
        self.assertEqual([(l["name"], l["length"]) for l in h["layers"]], [("0", 30), ("1", 6), ("4", 98)])
        self.assertFalse(model.training)


class LanczosTest(unittest.TestCase):
    def test_top_and_bottom_with_residuals(self):
        problem = small_problem(batch_size=25)
        expected = np.linalg.eigvalsh(exact_hessian(problem))
        result, _ = run(problem, {"top": 3, "bottom": 2, "tolerance": 1e-10, "eigenvectors": True})
        h = result["hessian"]
        self.assertNotIn("eigenvalues", h)
        np.testing.assert_allclose([p["value"] for p in h["top"]], expected[::-1][:3], atol=1e-9)
        np.testing.assert_allclose([p["value"] for p in h["bottom"]], expected[:2], atol=1e-9)
        scale = np.max(np.abs(expected))
        for pair in h["top"] + h["bottom"]:
            self.assertLess(pair["residual"], 1e-8 * scale)
            self.assertAlmostEqual(float(np.linalg.norm(pair["vector"])), 1.0, places=10)
        self.assertEqual(h["solver"]["name"], "lanczos")
        self.assertTrue(h["solver"]["converged"])
        self.assertFalse(h["classification"]["complete"])

    def test_restarts_on_a_small_basis(self):
        matrix = torch.diag(torch.linspace(-1, 10, 200, dtype=torch.float64))
        found = lanczos_extremes(MatrixOperator(matrix), top=2, bottom=2, basis_size=8, tolerance=1e-8)
        self.assertGreater(found.restarts, 0)
        self.assertTrue(found.converged)
        self.assertAlmostEqual(found.top[0].value, 10.0, places=7)
        self.assertAlmostEqual(found.bottom[0].value, -1.0, places=7)
        self.assertLess(found.top[0].residual, 1e-6)

    def test_power_iteration_finds_largest_magnitudes(self):
        rng = np.random.default_rng(3)
        q, _ = np.linalg.qr(rng.standard_normal((40, 40)))
        values = np.concatenate([[9.0, 5.0, 2.0], np.linspace(-1, 1, 37)])
        matrix = torch.from_numpy(q @ np.diag(values) @ q.T)
        found = power_iteration(MatrixOperator(matrix), count=2, tolerance=1e-10, max_iterations=1000)
        self.assertAlmostEqual(found.pairs[0].value, 9.0, places=6)
        self.assertAlmostEqual(found.pairs[1].value, 5.0, places=6)

    def test_power_solver_reports_both_ends(self):
        problem = small_problem()
        expected = np.linalg.eigvalsh(exact_hessian(problem))
        result, _ = run(problem, {"top": 1, "bottom": 1, "solver": "power", "tolerance": 1e-8})
        h = result["hessian"]
        self.assertEqual(h["solver"]["name"], "power")
        self.assertAlmostEqual(h["top"][0]["value"], expected[-1], delta=1e-4 * abs(expected[-1]))


class DensityTest(unittest.TestCase):
    def test_density_integrates_to_one(self):
        problem = small_problem()
        result, _ = run(problem, {"top": 1, "density": {"steps": 30, "probes": 2, "gridSize": 400}})
        density = result["hessian"]["density"]
        spacing = density["grid"][1] - density["grid"][0]
        self.assertAlmostEqual(sum(density["values"]) * spacing, 1.0, places=6)
        self.assertAlmostEqual(density["integral"], 1.0, places=6)
        self.assertEqual(density["convention"]["widthConvention"], "variance")
        self.assertEqual(len(density["grid"]), 400)

    def test_density_mass_sits_at_the_eigenvalues(self):
        matrix = torch.diag(torch.tensor([1.0, 1.0, 1.0, 5.0], dtype=torch.float64))
        from landscape_lens.spectrum import spectral_density

        density = spectral_density(MatrixOperator(matrix), steps=4, probes=1, grid_size=2000)
        grid, values = np.array(density["grid"]), np.array(density["values"])
        spacing = grid[1] - grid[0]
        near_one = values[np.abs(grid - 1) < 0.1].sum() * spacing
        self.assertAlmostEqual(near_one, 0.75, places=6)


class LayersAndSlicesTest(unittest.TestCase):
    def test_per_layer_blocks_are_the_diagonal_blocks(self):
        problem = small_problem()
        matrix = exact_hessian(problem)
        result, _ = run(problem, {"layers": True})
        layers = result["hessian"]["layers"]
        self.assertEqual([(l["name"], l["offset"], l["length"]) for l in layers], [("0", 0, 30), ("2", 30, 21)])
        for layer in layers:
            block = matrix[layer["offset"] : layer["offset"] + layer["length"], layer["offset"] : layer["offset"] + layer["length"]]
            np.testing.assert_allclose(layer["eigenvalues"], np.linalg.eigvalsh(block), atol=1e-10)
            self.assertNotIn("slices", layer)
        self.assertGreater(result["hessian"]["products"], sum(l["products"] for l in layers))

    def test_slices_follow_the_quadratic_model_and_restore_the_weights(self):
        problem = small_problem()
        before = problem.flat()
        result, _ = run(problem, {"slice": {"radius": 1e-3, "points": 5}})
        slices = result["hessian"]["slices"]
        self.assertEqual([s["direction"] for s in slices], ["top", "bottom"])
        top = slices[0]
        # Second difference along a unit eigenvector: (f(t) − 2f(0) + f(−t))/t² ≈ λ.
        t = top["steps"][4]
        curvature = (top["values"][4] - 2 * top["values"][2] + top["values"][0]) / t**2
        self.assertAlmostEqual(curvature, top["eigenvalue"], delta=1e-3 * abs(top["eigenvalue"]))
        self.assertTrue(torch.equal(problem.flat(), before))

    def test_extreme_eigenvectors_for_the_landscape_plane(self):
        problem = small_problem()
        matrix = exact_hessian(problem)
        expected = np.linalg.eigvalsh(matrix)
        top, top_value, bottom, bottom_value = hessian.extreme_eigenvectors(problem, {"seed": 2, "model": {}})
        scale = np.max(np.abs(expected))
        self.assertAlmostEqual(top_value, expected[-1], delta=1e-9 * scale)
        self.assertAlmostEqual(bottom_value, expected[0], delta=1e-9 * scale)
        # Lanczos's default tolerance: residual ≤ 1e-6·max|θ| (up to the estimate's rounding).
        self.assertLess(np.linalg.norm(matrix @ top.numpy() - top_value * top.numpy()), 2e-6 * scale)
        self.assertLess(np.linalg.norm(matrix @ bottom.numpy() - bottom_value * bottom.numpy()), 2e-6 * scale)


class CancellationTest(unittest.TestCase):
    def test_cancel_keeps_finished_stages(self):
        problem = small_problem()
        calls = [0]

        def cancelled():
            calls[0] += 1
            return calls[0] > 120

        result, _ = run(problem, {"top": 1, "bottom": 1, "trace": {"probes": 1000}}, cancelled=cancelled)
        self.assertTrue(result["cancelled"])
        h = result["hessian"]
        self.assertIn("top", h)
        self.assertNotIn("trace", h)
        self.assertGreater(h["products"], 0)


REPOSITORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CLI = os.path.join(REPOSITORY, "dist", "cli.js")


@unittest.skipUnless(os.path.exists(CLI) and shutil.which("node"), "needs the built CLI (npm run build) and node")
class EngineAgreementTest(unittest.TestCase):
    def engine_run(self, folder, config):
        """Writes the CSV set and the config into folder, runs the engine's CLI; its results.json."""
        rng = np.random.default_rng(0)
        x = rng.standard_normal((80, 2))
        label = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int) + (x[:, 1] > 0.7).astype(int)
        with open(os.path.join(folder, "data.csv"), "w") as handle:
            handle.write("a,b,label\n" + "".join(f"{r[0]!r},{r[1]!r},{l}\n" for r, l in zip(x, label)))
        base = {
            "seed": 3,
            "model": {"layers": [2, 6, 3], "activation": ["tanh", "linear"], "loss": "softmax-cross-entropy"},
            "data": {"kind": "csv", "path": "data.csv", "label": "label", "testFraction": 0},
        }
        path = os.path.join(folder, f"{config['name']}.landscape.json")
        with open(path, "w") as handle:
            json.dump({**base, **config, "model": {**base["model"], **config.get("model", {})}}, handle)
        out = os.path.join(folder, "out-" + config["name"])
        subprocess.run(["node", CLI, "run", path, "--out", out, "--quiet", "--workers", "1"], check=True, capture_output=True, timeout=300)
        with open(os.path.join(out, "results.json")) as handle:
            results = json.load(handle)
        self.data = (torch.from_numpy(x), torch.from_numpy(label.astype(np.int64)))
        return results

    def torch_problem(self, weights_path):
        from landscape_lens.loading import read_safetensors

        model = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
        model.load_state_dict(read_safetensors(weights_path))
        return Problem.from_module(model, *self.data, "softmax-cross-entropy")

    def test_same_mlp_same_spectrum_as_the_engine(self):
        """The engine trains a 2-6-3 tanh MLP on a CSV set and saves its weights; the same weights in an
        nn.Sequential give the same loss, spectrum, extremes, trace and classification, in float64."""
        settings = {"full": True, "top": 2, "bottom": 2, "trace": True, "tolerance": 1e-10}
        with tempfile.TemporaryDirectory() as folder:
            training = {"epochs": 5, "optimizer": {"name": "sgd", "lr": 0.5}, "saveWeights": "trained.safetensors"}
            engine = self.engine_run(folder, {"name": "spectrum", "training": training, "analyses": {"hessian": settings}})
            problem = self.torch_problem(os.path.join(folder, "trained.safetensors"))
        self.assertAlmostEqual(problem.loss(), engine["training"]["history"][-1]["loss"], delta=1e-12)
        result, _ = run(problem, settings, seed=3)
        ours, theirs = result["hessian"], engine["hessian"]
        np.testing.assert_allclose(ours["eigenvalues"], theirs["eigenvalues"], rtol=0, atol=1e-10)
        for end in ("top", "bottom"):
            np.testing.assert_allclose([p["value"] for p in ours[end]], [p["value"] for p in theirs[end]], rtol=0, atol=1e-10)
        self.assertAlmostEqual(ours["trace"]["exact"], theirs["trace"]["exact"], delta=1e-10)
        self.assertAlmostEqual(ours["gradientNorm"], theirs["gradientNorm"], delta=1e-12)
        self.assertEqual((ours["classification"]["kind"], ours["classification"]["index"]), (theirs["classification"]["kind"], theirs["classification"]["index"]))
        # The slices agree up to the eigenvectors' arbitrary sign.
        for mine, engine_slice in zip(ours["slices"], theirs["slices"]):
            forward = np.max(np.abs(np.subtract(mine["values"], engine_slice["values"])))
            mirrored = np.max(np.abs(np.subtract(mine["values"], engine_slice["values"][::-1])))
            self.assertLess(min(forward, mirrored), 1e-8)

    def test_same_full_batch_training_as_the_engine(self):
        """From the same imported weights, full-batch SGD with momentum and a step schedule gives the
        engine's per-epoch loss, gradient norm and learning rate, and its final weights."""
        from landscape_lens import training as torch_training

        with tempfile.TemporaryDirectory() as folder:
            self.engine_run(folder, {"name": "start", "training": {"epochs": 1, "saveWeights": "start.safetensors"}})
            optimizer = {"name": "sgd", "lr": 0.3, "momentum": 0.9, "schedule": {"kind": "step", "step_size": 3, "gamma": 0.5}}
            config = {"name": "trained", "model": {"weights": "start.safetensors"}, "training": {"epochs": 8, "optimizer": optimizer, "saveWeights": "end.safetensors"}}
            engine = self.engine_run(folder, config)
            problem = self.torch_problem(os.path.join(folder, "start.safetensors"))
            final = self.torch_problem(os.path.join(folder, "end.safetensors")).flat()
        result = torch_training.run_training(problem, {"seed": 3, "training": config["training"] | {"saveWeights": None}}, lambda *a, **k: None, lambda: False)
        ours, theirs = result["training"]["history"], engine["training"]["history"]
        self.assertEqual(len(ours), len(theirs))
        for mine, engine_record in zip(ours, theirs):
            self.assertAlmostEqual(mine["loss"], engine_record["loss"], delta=1e-12)
            self.assertAlmostEqual(mine["gradientNorm"], engine_record["gradientNorm"], delta=1e-12)
            self.assertAlmostEqual(mine["learningRate"], engine_record["learningRate"], delta=1e-15)
        self.assertLess(float((problem.flat() - final).abs().max()), 1e-12)


class ClassificationTest(unittest.TestCase):
    def test_rules_and_tolerance(self):
        from landscape_lens.spectrum import classify_spectrum

        self.assertEqual(classify_spectrum([1.0, 2.0])["kind"], "minimum")
        self.assertEqual(classify_spectrum([-1.0, -2.0])["kind"], "maximum")
        saddle = classify_spectrum([-1.0, 2.0, 3.0])
        self.assertEqual((saddle["kind"], saddle["index"]), ("saddle", 1))
        self.assertAlmostEqual(saddle["negativeRatio"], 1 / 3)
        degenerate = classify_spectrum([1e-9, 1.0])
        self.assertEqual((degenerate["kind"], degenerate["zeroCount"]), ("degenerate", 1))
        self.assertEqual(classify_spectrum([1e-9, 1.0], relative_tolerance=1e-10)["kind"], "minimum")


class LanczosToleranceTest(unittest.TestCase):
    """converged means every residual ‖Hv − λv‖ meets the reported tolerance·max|λ|, in float32 too."""

    def noisy_matrix(self, n=300, relative=1e-4):
        # A symmetric matrix plus a fixed non-symmetric error of 1e-4·‖A‖: products as inexact as
        # float32 Hessian-vector products of a large model, which the Ritz estimates do not see.
        g = torch.Generator().manual_seed(3)
        a = torch.randn(n, n, generator=g, dtype=torch.float64)
        a = (a + a.T) / 2
        k = torch.randn(n, n, generator=g, dtype=torch.float64)
        return a + relative * torch.linalg.matrix_norm(a, 2) * k / torch.linalg.matrix_norm(k, 2)

    def worst(self, result):
        return max(p.residual for p in result.top + result.bottom) / result.scale

    def test_float32_residuals_above_the_default_are_judged_at_what_float32_reaches(self):
        result = lanczos_extremes(MatrixOperator(self.noisy_matrix().float()), top=2, bottom=2, seed=1)
        self.assertGreater(self.worst(result), 1e-6, "the products miss the default tolerance")
        self.assertAlmostEqual(result.tolerance, float(np.sqrt(np.finfo(np.float32).eps)), places=9)
        self.assertTrue(result.converged)
        self.assertLessEqual(self.worst(result), result.tolerance)

    def test_float64_keeps_the_tolerance_asked_for_and_says_when_it_is_missed(self):
        noisy = lanczos_extremes(MatrixOperator(self.noisy_matrix()), top=2, bottom=2, seed=1)
        self.assertEqual(noisy.tolerance, 1e-6)
        self.assertFalse(noisy.converged)
        clean = lanczos_extremes(MatrixOperator(self.noisy_matrix(relative=0.0)), top=2, bottom=2, seed=1)
        self.assertTrue(clean.converged)
        self.assertEqual(clean.tolerance, 1e-6)
        self.assertLessEqual(self.worst(clean), 1e-6)

    def test_the_analysis_reports_the_tolerance_and_warns(self):
        warnings = []
        target, _ = hessian.analyze(None, {"top": 2, "bottom": 2}, seed=1, warnings=warnings, operator=MatrixOperator(self.noisy_matrix().float()))
        solver = target["solver"]
        self.assertTrue(solver["converged"])
        self.assertAlmostEqual(solver["tolerance"], 3.45e-4, delta=1e-6)
        scale = max(abs(p["value"]) for p in target["top"] + target["bottom"])
        self.assertTrue(all(p["residual"] <= solver["tolerance"] * scale for p in target["top"] + target["bottom"]))
        self.assertEqual(len(warnings), 1)
        self.assertRegex(warnings[0], r"Lanczos in float32: the largest residual .* is \d\.\de-05·max\|λ\|, above the tolerance 1e-06 asked for")
        warnings.clear()
        target, _ = hessian.analyze(None, {"top": 2, "bottom": 2}, seed=1, warnings=warnings, operator=MatrixOperator(self.noisy_matrix()))
        self.assertFalse(target["solver"]["converged"])
        self.assertEqual(target["solver"]["tolerance"], 1e-6)
        self.assertRegex(warnings[0], r"Lanczos did not converge: the largest residual .* is \d\.\de-05·max\|λ\|, above the tolerance 1\.0e-06·max\|λ\|")


class NonFiniteHessianTest(unittest.TestCase):
    """A Hessian at weights where the loss is NaN fails saying so, not inside linalg.eigh or Lanczos."""

    def test_nan_weights_are_named(self):
        problem = small_problem()
        with torch.no_grad():
            problem.params[2][1, 0] = float("nan")
        for settings in ({}, {"top": 2}):
            with self.assertRaises(hessian.UserCodeError) as caught:
                run(problem, settings)
            self.assertRegex(caught.exception.message, r"the Hessian cannot be analysed: 1 of the model's 51 weights are NaN or ±Infinity \(the first in 2\.weight, flat index 36\)")

    def test_nan_output_names_the_loss(self):
        problem = small_problem()
        x, _ = problem.data("train")
        x[3, 1] = float("nan")  # a NaN input row makes the model's output, and the loss, NaN
        for settings in ({}, {"top": 2}):
            with self.assertRaises(hessian.UserCodeError) as caught:
                run(problem, settings)
            self.assertIn("the training loss at the given weights is nan", caught.exception.message)
        with self.assertRaises(hessian.UserCodeError):
            hessian.extreme_eigenvectors(problem, {"seed": 0, "model": {}, "analyses": {}})


if __name__ == "__main__":
    unittest.main()
