"""analyses.landscape on torch models."""

import os
import threading
import time
import unittest

import torch

import helpers
from helpers import MLP_DATA, MLP_MODEL, ProjectFolder, mlp_config
from landscape_lens.directions import project_trajectory, random_plane, trajectory_pca
from landscape_lens.grid import refinement_levels
from landscape_lens.landscape import run_landscape
from landscape_lens.loading import Loader, load_problem
from landscape_lens.plane import PlaneEvaluator, find_first_layer
from landscape_lens.problem import Problem

quiet = lambda *a, **k: None  # noqa: E731
never = lambda: False  # noqa: E731


def mlp_problem(batch_size=None, loss="softmax-cross-entropy", rows=60):
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()
    x = torch.randn(rows, 5, dtype=torch.float64)
    y = torch.randint(0, 3, (rows,))
    return Problem.from_module(model, x, y, loss, batch_size=batch_size)


def bn_cnn_problem():
    torch.manual_seed(2)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 3),
    ).double()
    x = torch.randn(30, 2, 6, 6, dtype=torch.float64)
    y = torch.randint(0, 3, (30,))
    with torch.no_grad():  # running statistics away from their initial 0 and 1
        model.train()
        model(x * 3 + 1)
    return Problem.from_module(model, x, y, "softmax-cross-entropy", batch_size=7)


def landscape_config(**settings):
    return {"seed": 4, "analyses": {"landscape": {"resolution": 5, **settings}}}


class LandscapeTest(unittest.TestCase):
    def test_centre_equals_the_problems_loss(self):
        for batch_size in (None, 16):
            problem = mlp_problem(batch_size)
            before = problem.flat()
            result = run_landscape(problem, landscape_config(), None, quiet, never, workers=1)
            landscape = result["landscape"]
            self.assertTrue(landscape["complete"])
            self.assertEqual(len(landscape["loss"]), 25)
            self.assertAlmostEqual(landscape["loss"][12], problem.loss(), places=12)
            self.assertAlmostEqual(landscape["accuracy"][12], problem.accuracy(), places=12)
            self.assertEqual(landscape["alphas"], [-1.0, -0.5, 0.0, 0.5, 1.0])
            self.assertEqual(landscape["normalization"], "filter")
            self.assertTrue(torch.equal(problem.flat(), before), "the weights are restored")
            self.assertNotIn("cancelled", result)

    def test_points_off_the_centre_match_a_direct_evaluation(self):
        problem = mlp_problem()
        center = problem.flat()
        d1, d2 = random_plane(problem, center, 4, "filter", True, 2)
        landscape = run_landscape(problem, landscape_config(), None, quiet, never, workers=1)["landscape"]
        problem.set_flat(center + 0.5 * d1 - 1.0 * d2)
        expected = problem.loss()
        problem.set_flat(center)
        self.assertAlmostEqual(landscape["loss"][0 * 5 + 3], expected, places=12)
        self.assertNotAlmostEqual(landscape["loss"][3], landscape["loss"][12], places=6)

    def test_forked_workers_give_the_same_grid(self):
        problem = mlp_problem(batch_size=25)
        serial = run_landscape(problem, landscape_config(resolution=9), None, quiet, never, workers=1)["landscape"]
        forked = run_landscape(problem, landscape_config(resolution=9), None, quiet, never, workers=2)["landscape"]
        # Each run measures its own shortcuts, so the last bits may differ.
        for a, b in zip(serial["loss"], forked["loss"]):
            self.assertAlmostEqual(a, b, places=12)
        self.assertEqual(serial["accuracy"], forked["accuracy"])

    def test_progressive_levels_coarse_to_fine(self):
        reports = []
        problem = mlp_problem()
        run_landscape(problem, landscape_config(resolution=17), None, lambda f, m, p=None: reports.append(p), never, workers=1)
        strides = [p["landscape"]["stride"] for p in reports if p]
        self.assertEqual(strides, [4, 2, 1])
        coarse = [p for p in reports if p][0]["landscape"]
        self.assertEqual(len(coarse["alphas"]), 5)
        self.assertTrue(all(v is not None for v in coarse["loss"]))
        self.assertEqual(refinement_levels(17, 17)[0][1][:5], [0, 4, 8, 12, 16])

    def test_one_dimension_and_samples(self):
        problem = mlp_problem()
        landscape = run_landscape(problem, landscape_config(dimensions=1, resolution=7, samples=20), None, quiet, never, workers=1)["landscape"]
        self.assertEqual(landscape["betas"], [0.0])
        self.assertEqual(len(landscape["loss"]), 7)
        self.assertEqual(landscape["samples"], 20)
        self.assertNotAlmostEqual(landscape["loss"][3], problem.loss(), places=6, msg="a 20-row subset differs from the whole set")

    def test_cnn_with_batchnorm_in_eval_mode(self):
        problem = bn_cnn_problem()
        self.assertFalse(problem.model.training)
        running_mean = problem.model[1].running_mean.clone()
        landscape = run_landscape(problem, landscape_config(), None, quiet, never)["landscape"]
        self.assertAlmostEqual(landscape["loss"][12], problem.loss(), places=12)
        self.assertTrue(torch.equal(problem.model[1].running_mean, running_mean), "the running statistics are untouched")
        problem.model.train()
        with torch.no_grad():
            train_mode_loss = float(problem.criterion(problem.model(problem.data()[0]), problem.data()[1]))
        problem.model.eval()
        self.assertGreater(abs(train_mode_loss - landscape["loss"][12]), 1e-3, "batch statistics would give another loss")
        mask = problem.bias_or_bn_mask()
        d1, _ = random_plane(problem, problem.flat(), 4, "filter", True, 2)
        self.assertTrue(torch.all(d1[mask] == 0), "BatchNorm weights and biases get no direction")

    def test_train_mode_grid_does_not_depend_on_the_order_of_points(self):
        problem = bn_cnn_problem()
        problem.model.train()
        running_mean = problem.model[1].running_mean.clone()
        serial = run_landscape(problem, landscape_config(), None, quiet, never, workers=1)["landscape"]
        self.assertTrue(torch.equal(problem.model[1].running_mean, running_mean))
        center = problem.flat()
        d1, d2 = random_plane(problem, center, 4, "filter", True, 2)
        problem.set_flat(center + 0.5 * d1 + 1.0 * d2)
        expected = problem.loss()  # batch statistics of the same batches
        problem.set_flat(center)
        self.assertAlmostEqual(serial["loss"][4 * 5 + 3], expected, places=12)

    def test_cancellation_keeps_finished_points(self):
        for workers in (1, 2):
            problem = mlp_problem()

            class Slow(torch.nn.Module):
                def forward(self, x):
                    time.sleep(0.05)
                    return x

            problem.model.append(Slow())
            flag = threading.Event()
            timer = threading.Timer(0.6, flag.set)
            timer.start()
            started = time.monotonic()
            result = run_landscape(problem, landscape_config(resolution=11), None, quiet, flag.is_set, workers=workers)
            elapsed_after_cancel = time.monotonic() - started - 0.6
            self.assertLess(elapsed_after_cancel, 1.0, f"{workers} process(es) stopped within a second")
            landscape = result["landscape"]
            self.assertTrue(result["cancelled"])
            self.assertFalse(landscape["complete"])
            finished = [i for i, v in enumerate(landscape["loss"]) if v is not None]
            self.assertGreater(len(finished), 0)
            self.assertLess(len(finished), 121)
            self.assertIn(0, finished, "the coarsest level comes first")
            center = problem.flat()
            d1, d2 = random_plane(problem, center, 4, "filter", True, 2)
            for index in finished[:3]:
                alpha, beta = landscape["alphas"][index % 11], landscape["betas"][index // 11]
                problem.set_flat(center + alpha * d1 + beta * d2)
                self.assertAlmostEqual(landscape["loss"][index], problem.loss(), places=12)
            problem.set_flat(center)

    def test_first_layer_shortcut_agrees_with_plain_evaluation(self):
        problem = mlp_problem(batch_size=16)
        center = problem.flat()
        directions = random_plane(problem, center, 0, "filter", False, 2)
        plain = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
        fast = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
        fast.first = find_first_layer(problem, fast.batches, center, directions)
        self.assertIsNotNone(fast.first)
        for alpha, beta in [(0.0, 0.0), (0.7, -0.2), (-1.0, 1.0)]:
            self.assertAlmostEqual(fast.evaluate(alpha, beta)[0], plain.evaluate(alpha, beta)[0], places=12)
        problem.set_flat(center)

    def test_first_layer_of_a_convolution(self):
        problem = bn_cnn_problem()
        center = problem.flat()
        directions = random_plane(problem, center, 0, "layer", True, 2)
        plain = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
        fast = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
        fast.first = find_first_layer(problem, fast.batches, center, directions)
        self.assertEqual(fast.first.name, "0")
        self.assertAlmostEqual(fast.evaluate(0.3, 0.9)[0], plain.evaluate(0.3, 0.9)[0], places=12)
        problem.set_flat(center)


    def test_channels_last_layout_agrees_and_is_undone(self):
        problem = bn_cnn_problem()
        center = problem.flat()
        directions = random_plane(problem, center, 0, "filter", True, 2)
        plain = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
        expected = plain.evaluate(0.4, -0.8)[0]
        fast = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
        fast._set_layout(True)
        self.assertTrue(problem.model[0].weight.is_contiguous(memory_format=torch.channels_last))
        self.assertFalse(problem.model[0].weight.is_contiguous())
        self.assertAlmostEqual(fast.evaluate(0.4, -0.8)[0], expected, places=12)
        fast.restore()
        self.assertTrue(problem.model[0].weight.is_contiguous())
        problem.set_flat(center)
        self.assertTrue(torch.equal(problem.flat(), center))


    def test_evaluation_chunks_agree_and_keep_the_batch_in_train_mode(self):
        import landscape_lens.plane as plane

        problem = mlp_problem(batch_size=600, rows=600)
        center = problem.flat()
        directions = random_plane(problem, center, 0, "filter", True, 2)
        expected = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False).evaluate(0.4, -0.8)
        timings = iter([1.0, 0.5, 0.2, 0.9])  # configured batch, then 64, 128, 256 rows: 128 measures fastest
        original = PlaneEvaluator._time
        PlaneEvaluator._time = lambda self, probe, repeats=2: (original(self, probe, 0)[0], next(timings))
        try:
            evaluator = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
            evaluator._try_chunk()
        finally:
            PlaneEvaluator._time = original
        self.assertEqual(evaluator.chunk, 128)
        self.assertEqual([x.shape[0] for x, _ in evaluator.batches], [128, 128, 128, 128, 88])
        loss, accuracy = evaluator.evaluate(0.4, -0.8)
        self.assertAlmostEqual(loss, expected[0], places=12)
        self.assertEqual(accuracy, expected[1])
        self.assertEqual(plane.CHUNKS, (64, 128, 256))
        problem.model.train()  # batch statistics would change with the chunk: it stays the batch
        try:
            trained = PlaneEvaluator(problem, *problem.data(), center, directions, optimize=False)
            trained._try_chunk()
            self.assertEqual(trained.chunk, 600)
        finally:
            problem.model.eval()
        problem.set_flat(center)

    def test_rewritten_graph_agrees(self):
        from landscape_lens.inference_graph import inference_graph, max_pool_2x2

        problem = bn_cnn_problem()
        problem.model.insert(3, torch.nn.MaxPool2d(2))  # conv, bn, relu, pool, flatten, linear
        problem.model[5] = torch.nn.Linear(4 * 3 * 3, 3).double()
        problem = Problem.from_module(problem.model, *problem.data(), "softmax-cross-entropy")
        traced, rewrites = inference_graph(problem.model)
        self.assertEqual(rewrites, ["0+1 folded", "2 in place", "3 by quarters"])
        x = problem.data()[0]
        for layout in (torch.contiguous_format, torch.channels_last):
            problem.model.to(memory_format=layout)
            xl = x.contiguous(memory_format=layout)
            with torch.no_grad():
                self.assertTrue(torch.allclose(traced(xl), problem.model(xl), rtol=0, atol=1e-12))
                problem.params[0].add_(0.1)  # the folded weights follow the parameters
                self.assertTrue(torch.allclose(traced(xl), problem.model(xl), rtol=0, atol=1e-12))
                problem.params[0].sub_(0.1)
        problem.model.to(memory_format=torch.contiguous_format)
        odd = torch.randn(3, 5, 7, 9, dtype=torch.float64).contiguous(memory_format=torch.channels_last)
        odd[0, 0, 0, 0] = float("nan")
        self.assertTrue(torch.equal(torch.nan_to_num(max_pool_2x2(odd), 7.0), torch.nan_to_num(torch.nn.functional.max_pool2d(odd, 2), 7.0)))
        problem.model.train()
        self.assertEqual(inference_graph(problem.model), (None, []), "no rewrite with batch statistics")
        problem.model.eval()


class DirectionsTest(unittest.TestCase):
    def test_filter_normalization(self):
        problem = mlp_problem()
        weights = problem.flat()
        d1, d2 = random_plane(problem, weights, 7, "filter", True, 2)
        for (name, offset, length), p in zip(problem.offsets(), problem.params):
            if p.dim() == 1:
                self.assertTrue(torch.all(d1[offset : offset + length] == 0), name)
                continue
            rows_d = d1[offset : offset + length].view(p.shape[0], -1).norm(dim=1)
            rows_w = weights[offset : offset + length].view(p.shape[0], -1).norm(dim=1)
            self.assertTrue(torch.allclose(rows_d, rows_w, rtol=1e-9), name)
        self.assertFalse(torch.allclose(d1, d2))

    def test_biases_follow_the_weights_when_not_ignored(self):
        problem = mlp_problem()
        weights = problem.flat()
        d1, = random_plane(problem, weights, 7, "layer", False, 1)
        mask = problem.bias_or_bn_mask()
        self.assertTrue(torch.equal(d1[mask], weights[mask]))

    def test_pca_of_a_planar_path(self):
        torch.manual_seed(0)
        final = torch.randn(30, dtype=torch.float64)
        u, v = torch.randn(30, dtype=torch.float64), torch.randn(30, dtype=torch.float64)
        path = [final + (3 - t) * u + 0.3 * (t % 2) * v for t in range(4)]
        directions, explained = trajectory_pca(path, final, 2)
        self.assertAlmostEqual(sum(explained), 1.0, places=12)
        self.assertGreater(explained[0], explained[1])
        projected = project_trajectory(path, final, directions)
        self.assertLess(max(projected["residual"]), 1e-10)
        self.assertAlmostEqual(float(directions[0] @ directions[1]), 0.0, places=10)


class CheckpointLandscapeTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": MLP_MODEL, "data.py": MLP_DATA})
        os.makedirs(self.folder.file("checkpoints"))
        self.states = []
        for epoch in range(4):
            torch.manual_seed(10 + epoch)
            state = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).state_dict()
            torch.save(state, self.folder.file(f"checkpoints/epoch-{epoch}.pt"))
            self.states.append(state)

    def tearDown(self):
        self.folder.remove()

    def test_pca_of_checkpoint_files(self):
        config = mlp_config(weights="checkpoints/epoch-3.pt")
        config["analyses"] = {"landscape": {"directions": "pca", "trajectory": "checkpoints/epoch-*.pt", "resolution": 5}}
        problem, loader = load_problem(config, self.folder.path)
        result = run_landscape(problem, config, loader, quiet, never, workers=1)["landscape"]
        self.assertEqual(len(result["trajectory"]["alpha"]), 4)
        self.assertEqual(result["normalization"], "none")
        self.assertEqual(len(result["explainedVariance"]), 2)
        self.assertAlmostEqual(result["trajectory"]["alpha"][3], 0.0, places=12)
        reach = max(abs(a) for a in result["trajectory"]["alpha"] + result["trajectory"]["beta"])
        self.assertAlmostEqual(result["alphas"][-1], 1.2 * reach, places=10)
        self.assertAlmostEqual(result["loss"][12], problem.loss(), places=12)

    def test_the_loss_along_the_path_is_evaluated_at_each_projected_point(self):
        config = mlp_config(weights="checkpoints/epoch-3.pt")
        config["analyses"] = {"landscape": {"directions": "pca", "trajectory": "checkpoints/epoch-*.pt", "resolution": 5}}
        problem, loader = load_problem(config, self.folder.path)
        center = problem.flat()
        path = [problem.flat()]
        for state in self.states:
            problem.model.load_state_dict({k: v.to(problem.dtype) for k, v in state.items()})
            path.append(problem.flat())
        problem.set_flat(center)
        directions, _ = trajectory_pca(path[1:], center, 2)
        for workers in (1, 2):
            result = run_landscape(problem, config, loader, quiet, never, workers=workers)
            trajectory = result["landscape"]["trajectory"]
            self.assertEqual(len(trajectory["loss"]), 4)
            self.assertNotIn("cancelled", result)
            for t, (alpha, beta) in enumerate(zip(trajectory["alpha"], trajectory["beta"])):
                problem.set_flat(center + alpha * directions[0].to(problem.dtype) + beta * directions[1].to(problem.dtype))
                self.assertAlmostEqual(trajectory["loss"][t], problem.loss(), delta=1e-10 * max(1.0, abs(problem.loss())))
            problem.set_flat(center)
            self.assertAlmostEqual(trajectory["loss"][3], problem.loss(), delta=1e-10)  # the last checkpoint is the centre
            self.assertTrue(torch.equal(problem.flat(), center))

    def test_interpolation_between_two_checkpoints(self):
        config = mlp_config(weights="checkpoints/epoch-0.pt")
        config["analyses"] = {"landscape": {"directions": "interpolation", "to": "checkpoints/epoch-2.pt", "resolution": 9}}
        problem, loader = load_problem(config, self.folder.path)
        start = problem.loss()
        result = run_landscape(problem, config, loader, quiet, never, workers=1)["landscape"]
        self.assertEqual(result["alphas"][0], -0.5)
        self.assertEqual(result["alphas"][-1], 1.5)
        self.assertAlmostEqual(result["loss"][2], start, places=12)  # α = 0
        end_config = mlp_config(weights="checkpoints/epoch-2.pt")
        end, _ = load_problem(end_config, self.folder.path)
        self.assertAlmostEqual(result["loss"][6], end.loss(), places=12)  # α = 1

    def test_interpolation_without_a_target_is_a_config_error(self):
        from landscape_lens.errors import ConfigError

        config = mlp_config()
        config["analyses"] = {"landscape": {"directions": "interpolation"}}
        problem, loader = load_problem(config, self.folder.path)
        with self.assertRaises(ConfigError) as caught:
            run_landscape(problem, config, loader, quiet, never)
        self.assertEqual(caught.exception.data["field"], "/analyses/landscape/to")

    def test_trained_path_from_checkpoints(self):
        config = mlp_config()
        config["analyses"] = {"landscape": {"directions": "pca", "resolution": 5}}
        problem, loader = load_problem(config, self.folder.path)
        path = [torch.cat([s[n].double().reshape(-1) for n in problem.names]) for s in self.states]
        problem.set_flat(path[-1])
        result = run_landscape(problem, config, loader, quiet, never, checkpoints=path, workers=1)["landscape"]
        self.assertEqual(len(result["trajectory"]["residual"]), 4)


class LogScale(torch.nn.Module):
    """A linear classifier whose logits are shifted by log(s) for a parameter s: NaN for s < 0, −Inf at 0."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(5, 3)
        self.s = torch.nn.Parameter(torch.tensor(1.0))

    def forward(self, x):
        return self.linear(x) + torch.log(self.s) * torch.tensor([1.0, 0.0, 0.0], dtype=x.dtype)


class NonFiniteLandscapeTest(unittest.TestCase):
    """A loss that is NaN or ±Infinity is named, grid point by grid point, not passed off as not computed."""

    def log_problem(self):
        torch.manual_seed(5)
        model = LogScale().double()
        x = torch.randn(40, 5, dtype=torch.float64)
        y = torch.randint(0, 3, (40,))
        return Problem.from_module(model, x, y, "softmax-cross-entropy")

    def test_grid_and_path_points_with_no_finite_loss_are_named(self):
        problem = self.log_problem()
        center = problem.flat()
        start = center.clone()
        offset = next(offset for name, offset, _ in problem.offsets() if name == "s")
        start[offset] = -0.5  # s from −0.5 to 1: s(α) = −0.5 + 1.5α on the interpolation line
        config = {"seed": 4, "analyses": {"landscape": {"directions": "interpolation", "resolution": 9}}}
        result = run_landscape(problem, config, None, quiet, never, checkpoints=[start, center], workers=1)
        landscape = result["landscape"]
        self.assertEqual(landscape["alphas"], [-0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5])
        expected = [-0.5 + 1.5 * a <= 0 for a in landscape["alphas"]]
        self.assertEqual([v is None for v in landscape["loss"]], expected)
        self.assertEqual([v is None for v in landscape["accuracy"]], expected)
        self.assertTrue(landscape["complete"])
        self.assertNotIn("cancelled", result)
        self.assertEqual(landscape["trajectory"]["loss"][0], None)
        self.assertIsNotNone(landscape["trajectory"]["loss"][1])
        self.assertEqual(result["warnings"], [
            "the loss is not finite (NaN or ±Infinity) at 4 of 9 computed grid points (at α=-0.5; α=-0.25; α=0, and 1 more): those points are null in the landscape",
            "the loss is not finite (NaN or ±Infinity) at 1 of the path's 2 points (indices 0): those points are null in the path's loss",
        ])
        self.assertTrue(torch.equal(problem.flat(), center), "the weights are restored")

    def test_a_model_whose_output_is_nan_everywhere_fails_saying_so(self):
        from landscape_lens.errors import UserCodeError

        problem = mlp_problem()
        with torch.no_grad():
            problem.model[2].bias[0] = float("nan")
        for workers in (1, 2):
            with self.assertRaises(UserCodeError) as caught:
                run_landscape(problem, landscape_config(), None, quiet, never, workers=workers)
            self.assertIn("the loss is not finite at any of the 25 grid points (e.g. at α=-1, β=-1): the model's output or its loss is NaN or ±Infinity there", caught.exception.message)


class FakeLoader:
    """A loader whose "to" checkpoint is a state dict in memory."""

    def __init__(self, state):
        self.state = state

    def path(self, name):
        return name

    def state_dict_file(self, path, field):
        return self.state


class BatchNormInterpolationTest(unittest.TestCase):
    """Interpolating to a checkpoint moves BatchNorm's running statistics along with the weights."""

    def test_running_statistics_are_interpolated_with_the_weights(self):
        problem = bn_cnn_problem()
        model = problem.model
        start = {k: v.detach().clone() for k, v in model.state_dict().items()}
        end = {k: v.detach().clone() for k, v in start.items()}
        torch.manual_seed(7)
        for name in problem.names:
            end[name] = end[name] + 0.1 * torch.randn_like(end[name])
        end["1.running_mean"] = start["1.running_mean"] + 0.5
        end["1.running_var"] = start["1.running_var"] * 3
        end["1.num_batches_tracked"] = start["1.num_batches_tracked"] + 5

        def loss_at(alpha):
            model.load_state_dict({k: (v if not v.is_floating_point() else (1 - alpha) * v + alpha * end[k]) for k, v in start.items()})
            value = problem.loss()
            model.load_state_dict(start)
            return value

        for resolution, plane_range, checks in ((9, None, {2: 0.0, 4: 0.5, 6: 1.0}), (51, [0, 1], {0: 0.0, 25: 0.5, 50: 1.0})):
            settings = {"directions": "interpolation", "to": "end.pt", "resolution": resolution}
            if plane_range:
                settings["range"] = plane_range
            result = run_landscape(problem, {"seed": 4, "analyses": {"landscape": settings}}, FakeLoader(end), quiet, never, workers=1)
            for index, alpha in checks.items():
                self.assertAlmostEqual(result["landscape"]["alphas"][index], alpha, places=12)
                self.assertAlmostEqual(result["landscape"]["loss"][index], loss_at(alpha), delta=1e-9, msg=f"α = {alpha}")
            self.assertNotIn("warnings", result)
            for k, v in model.state_dict().items():
                self.assertTrue(torch.equal(v, start[k]), f"{k} is restored")

    def test_a_checkpoint_without_the_statistics_is_named(self):
        problem = bn_cnn_problem()
        end = {k: v.detach().clone() for k, v in problem.model.state_dict().items() if "running" not in k}
        result = run_landscape(problem, {"seed": 4, "analyses": {"landscape": {"directions": "interpolation", "to": "end.pt", "resolution": 5}}}, FakeLoader(end), quiet, never, workers=1)
        self.assertEqual(len(result["warnings"]), 1)
        self.assertIn("end.pt lacks the buffers 1.running_mean, 1.running_var, which keep model.weights' values at every α", result["warnings"][0])


class HessianPlaneTest(unittest.TestCase):
    def test_eigenvalues_of_the_hessian_plane(self):
        problem = mlp_problem(loss="mse")
        config = landscape_config(directions="hessian")
        config["analyses"]["hessian"] = {"tolerance": 1e-10}
        result = run_landscape(problem, config, None, quiet, never, workers=1)["landscape"]
        params = problem.flat()

        try:
            from torch.func import functional_call
        except ImportError:  # torch 1.13
            from torch.nn.utils.stateless import functional_call

        def loss_of(vector):
            tensors = dict(zip(problem.names, problem.unflatten(vector)))
            x, y = problem.data()
            return problem.criterion(functional_call(problem.model, tensors, (x,)), y)

        dense = torch.autograd.functional.hessian(loss_of, params)
        values = torch.linalg.eigvalsh(dense)
        self.assertAlmostEqual(result["eigenvalues"][0], float(values[-1]), places=6)
        self.assertAlmostEqual(result["eigenvalues"][1], float(values[0]), places=6)
        self.assertAlmostEqual(result["loss"][12], problem.loss(), places=12)


if __name__ == "__main__":
    unittest.main()
