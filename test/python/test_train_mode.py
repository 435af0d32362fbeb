"""model.mode "train" with Dropout: every analysis sees one function. Each batch's forward runs
under a seed made from the config's seed and the batch, so the same point gives the same loss bit
for bit, Lanczos converges to the eigenvalues of that fixed-mask function, landscape points
repeat, and the random numbers the rest of the program draws are left as they were; training
steps draw new masks."""

import contextlib
import io
import unittest

import numpy as np
import torch
import torch.nn.functional as F

from helpers import MLP_DATA, ProjectFolder, mlp_config
from landscape_lens import hessian
from landscape_lens.loading import load_problem
from landscape_lens.losses import builtin_loss
from landscape_lens.plane import PlaneEvaluator
from landscape_lens.problem import Problem, batch_fingerprint
from landscape_lens.training import run_training

DROP = 0.5


def dropout_problem(seed=7):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Dropout(DROP), torch.nn.Linear(5, 2)).double()
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(24, 3, generator=generator, dtype=torch.float64)
    y = torch.randn(24, 2, generator=generator, dtype=torch.float64)
    return Problem(model, builtin_loss("mse"), (x, y), None, 8, "train", seed=seed)


def reference_loss(problem, theta):
    """The fixed-mask function written out: per batch, F.dropout under the batch's seed, the mean
    squared error weighted by the batch's rows."""
    w1, b1, w2, b2 = problem.unflatten(theta)
    total = theta.new_zeros(())
    for x, y in problem.batches("train"):
        hidden = torch.tanh(F.linear(x, w1, b1))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(problem.masks.seed_for((x,)))
            hidden = F.dropout(hidden, DROP, training=True)
        total = total + F.mse_loss(F.linear(hidden, w2, b2), y) * x.shape[0] / problem.rows("train")
    return total


class FixedMaskTest(unittest.TestCase):
    def test_the_same_point_gives_the_same_loss_bit_for_bit(self):
        problem = dropout_problem()
        first, second = problem.loss(), problem.loss()
        self.assertEqual(first, second)
        (loss_a, grad_a), (loss_b, grad_b) = problem.loss_and_grad(), problem.loss_and_grad()
        self.assertEqual(loss_a, loss_b)
        self.assertTrue(torch.equal(grad_a, grad_b))
        self.assertEqual(loss_a, first)
        # Dropout is on: the train-mode loss is not the evaluation-mode one
        problem.model.eval()
        self.assertNotEqual(problem.loss(), first)

    def test_the_loss_is_the_fixed_mask_function(self):
        problem = dropout_problem()
        theta = problem.flat()
        self.assertAlmostEqual(problem.loss(), float(reference_loss(problem, theta)), places=12)

    def test_lanczos_matches_eigh_of_the_fixed_mask_hessian(self):
        problem = dropout_problem()
        reference = torch.autograd.functional.hessian(lambda t: reference_loss(problem, t), problem.flat()).numpy()
        expected = np.linalg.eigvalsh((reference + reference.T) / 2)
        config = {"seed": 0, "model": {}, "analyses": {"hessian": {"top": 2, "bottom": 2, "tolerance": 1e-10}}}
        h = hessian.run_hessian(problem, config, lambda *a, **k: None, lambda: False)["hessian"]
        np.testing.assert_allclose([p["value"] for p in h["top"]], expected[::-1][:2], atol=1e-8)
        np.testing.assert_allclose([p["value"] for p in h["bottom"]], expected[:2], atol=1e-8)
        self.assertTrue(h["solver"]["converged"])

    def test_landscape_points_repeat_and_agree_with_the_loss(self):
        problem = dropout_problem()
        origin = problem.flat()
        generator = torch.Generator().manual_seed(3)
        directions = [torch.randn(problem.dimension, generator=generator, dtype=torch.float64) for _ in range(2)]
        evaluator = PlaneEvaluator(problem, *problem.data("train"), origin, directions, optimize=True)
        first, second = evaluator.evaluate(0.3, -0.2), evaluator.evaluate(0.3, -0.2)
        self.assertEqual(first, second)
        at_origin = evaluator.evaluate(0.0, 0.0)[0]
        evaluator.restore()
        problem.set_flat(origin)
        self.assertAlmostEqual(at_origin, problem.loss(), places=12)

    def test_another_seed_other_masks(self):
        self.assertNotEqual(dropout_problem(seed=7).loss(), dropout_problem(seed=8).loss())

    def test_the_program_s_random_numbers_are_left_as_they_were(self):
        problem = dropout_problem()
        torch.manual_seed(123)
        expected = torch.rand(4)
        torch.manual_seed(123)
        problem.loss()
        problem.loss_and_grad()
        self.assertTrue(torch.equal(torch.rand(4), expected))

    def test_a_fingerprint_reads_values_not_layout(self):
        x = torch.randn(4, 3, 5, 5)
        self.assertEqual(batch_fingerprint(x), batch_fingerprint(x.contiguous(memory_format=torch.channels_last)))
        self.assertEqual(batch_fingerprint({"image": x}), batch_fingerprint(x))
        self.assertNotEqual(batch_fingerprint(x), batch_fingerprint(x[:3]))

    def test_training_steps_draw_new_masks_and_analyses_fixed_ones_after(self):
        problem = dropout_problem()
        problem.fresh_masks = True
        self.assertNotEqual(problem.loss(), problem.loss())
        problem.fresh_masks = False
        self.assertEqual(problem.loss(), problem.loss())
        config = {"seed": 0, "model": {"mode": "train"}, "training": {"epochs": 2, "optimizer": {"name": "sgd", "lr": 0.01}}}
        result = run_training(problem, config, lambda *a, **k: None, lambda: False)
        self.assertEqual(len(result["training"]["history"]), 2)
        self.assertFalse(problem.fresh_masks)
        self.assertEqual(problem.loss(), problem.loss())

    @unittest.skipUnless(torch.cuda.is_available(), "needs a CUDA device")
    def test_on_cuda_the_same_point_gives_the_same_loss_and_the_generator_is_put_back(self):
        problem = dropout_problem()
        cuda = Problem(problem.model.cuda(), builtin_loss("mse"), tuple(t.cuda() for t in problem.data("train")), None, 8, "train", seed=7)
        torch.cuda.manual_seed(123)
        expected = torch.rand(4, device="cuda")
        torch.cuda.manual_seed(123)
        first = cuda.loss()
        self.assertTrue(torch.equal(torch.rand(4, device="cuda"), expected))
        self.assertEqual(cuda.loss(), first)
        (_, grad_a), (_, grad_b) = cuda.loss_and_grad(), cuda.loss_and_grad()
        self.assertTrue(torch.equal(grad_a, grad_b))

    def test_evaluation_mode_is_untouched(self):
        problem = Problem.from_module(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Dropout(0.5)).double(), torch.randn(6, 3), torch.randn(6, 2))
        self.assertIsNone(problem.masks)
        self.assertTrue(problem.fresh_masks)


class ClusterWorkerTest(unittest.TestCase):
    def test_a_worker_rebuilds_the_factory_with_its_kwargs_and_the_same_masks(self):
        from landscape_lens.cluster import bundles, worker

        folder = ProjectFolder({
            "model.py": "import torch\n\ndef make_model(width, p):\n    return torch.nn.Sequential(torch.nn.Linear(4, width), torch.nn.Dropout(p), torch.nn.Linear(width, 3))\n",
            "data.py": MLP_DATA,
        })
        try:
            config = {**mlp_config(mode="train", kwargs={"width": 7, "p": 0.4}), "seed": 9}
            config["data"]["batchSize"] = 16
            with contextlib.redirect_stderr(io.StringIO()):
                problem, loader = load_problem(config, folder.path)
            rebuilt = worker._worker_problem(bundles.model_bundle(problem, loader, config, 1), bundles.data_bundle(*problem.data("train")), "test")
            self.assertEqual(rebuilt.dimension, problem.dimension)
            self.assertEqual(rebuilt.masks.seed, 9)
            self.assertEqual(rebuilt.loss(), problem.loss())
        finally:
            folder.remove()


class RunLogTest(unittest.TestCase):
    def test_the_run_s_log_says_the_masks_are_fixed(self):
        folder = ProjectFolder({
            "model.py": "import torch\n\ndef make_model():\n    return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Dropout(0.2), torch.nn.Linear(6, 3))\n",
            "data.py": MLP_DATA,
        })
        try:
            log = io.StringIO()
            with contextlib.redirect_stderr(log):
                problem, _ = load_problem({**mlp_config(mode="train"), "seed": 5}, folder.path)
            self.assertIn('model.mode "train": Dropout with masks fixed per evaluation batch, seeded by seed 5', log.getvalue())
            self.assertEqual(problem.masks.seed, 5)
            self.assertEqual(problem.loss(), problem.loss())
        finally:
            folder.remove()


if __name__ == "__main__":
    unittest.main()
