"""Hutch++ (Meyer, Musco, Musco & Woodruff 2021) beside Hutchinson: unbiased against the exact trace
of a small model, lower variance at the same number of Hessian-vector products where a few
eigenvalues dominate, and offered by analyses.hessian.trace.method."""

import math
import unittest

import torch

import helpers  # noqa: F401  (the package on sys.path)
from landscape_lens.errors import ConfigError
from landscape_lens.hessian import analyze, run_hessian
from landscape_lens.hvp import MatrixOperator, dense_matrix, hessian_operator
from landscape_lens.problem import Problem
from landscape_lens.spectrum import hutchinson_trace, hutchpp_sketch_size, hutchpp_trace

RUNS = 40


def small_model_problem() -> Problem:
    torch.manual_seed(5)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)).double()
    x = torch.randn(30, 3, dtype=torch.float64)
    y = torch.randint(0, 2, (30,))
    return Problem.from_module(model, x, y, "softmax-cross-entropy")


def dominated_matrix(n: int = 60, large=(400.0, 300.0, 200.0, 150.0)) -> torch.Tensor:
    """A symmetric matrix with a few large eigenvalues over many small ones, in a random basis."""
    generator = torch.Generator().manual_seed(11)
    values = torch.rand(n, generator=generator, dtype=torch.float64) - 0.3
    values[: len(large)] = torch.tensor(large, dtype=torch.float64)
    basis, _ = torch.linalg.qr(torch.randn(n, n, generator=generator, dtype=torch.float64))
    return basis @ torch.diag(values) @ basis.T


def spread(estimates: list[float]) -> tuple[float, float]:
    """Mean and sample standard deviation."""
    mean = sum(estimates) / len(estimates)
    return mean, math.sqrt(sum((e - mean) ** 2 for e in estimates) / (len(estimates) - 1))


class HutchppTest(unittest.TestCase):
    def test_unbiased_against_the_exact_trace_of_a_small_model(self):
        problem = small_model_problem()
        operator = hessian_operator(problem)
        exact = float(torch.trace(dense_matrix(operator)))
        runs = [hutchpp_trace(operator, 12, seed=seed) for seed in range(RUNS)]
        self.assertTrue(all(run["probes"] == 12 and run["sketch"] == 4 for run in runs))
        mean, deviation = spread([run["trace"] for run in runs])
        z = abs(mean - exact) / (deviation / math.sqrt(RUNS))
        self.assertLessEqual(z, 4, f"mean {mean} vs exact {exact}, sd {deviation}")

    def test_lower_variance_than_hutchinson_at_the_same_products_where_a_few_eigenvalues_dominate(self):
        matrix = dominated_matrix()
        exact = float(torch.trace(matrix))
        operator = MatrixOperator(matrix)
        products = 30
        plus = [hutchpp_trace(operator, products, seed=seed) for seed in range(RUNS)]
        plain = [hutchinson_trace(operator, products, seed=seed) for seed in range(RUNS)]
        self.assertTrue(all(run["probes"] == products for run in plus + plain))
        plus_mean, plus_sd = spread([run["trace"] for run in plus])
        plain_mean, plain_sd = spread([run["trace"] for run in plain])
        for mean, sd in ((plus_mean, plus_sd), (plain_mean, plain_sd)):
            self.assertLessEqual(abs(mean - exact) / (sd / math.sqrt(RUNS)), 4, f"mean {mean} vs exact {exact}, sd {sd}")
        self.assertLess(plus_sd, 0.2 * plain_sd, f"Hutch++ sd {plus_sd} against Hutchinson's {plain_sd}")
        # The reported standard error is the spread of the estimate (within the sampling noise of 40 runs).
        reported = sum(run["standardError"] for run in plus) / RUNS
        self.assertLess(abs(reported / plus_sd - 1), 0.5, f"reported {reported} vs observed {plus_sd}")

    def test_a_sketch_of_the_whole_space_gives_the_exact_trace(self):
        matrix = dominated_matrix(n=5, large=(9.0,))
        estimate = hutchpp_trace(MatrixOperator(matrix), 30, seed=3)
        self.assertEqual((estimate["sketch"], estimate["probes"], estimate["standardError"]), (5, 10, 0.0))
        self.assertAlmostEqual(estimate["trace"], float(torch.trace(matrix)), delta=1e-10)

    def test_sketch_size_keeps_two_remainder_probes(self):
        self.assertEqual([hutchpp_sketch_size(m, 1000) for m in (2, 3, 4, 6, 9, 100)], [0, 0, 1, 2, 3, 33])
        self.assertEqual(hutchpp_sketch_size(100, 7), 7)

    def test_relative_error_stops_the_remainder(self):
        estimate = hutchpp_trace(MatrixOperator(dominated_matrix(n=300)), 300, relative_error=0.5, seed=1)
        self.assertEqual(estimate["sketch"], 100)
        self.assertEqual(estimate["probes"], 2 * 100 + 10)

    def test_analyses_hessian_trace_method_hutchpp_reports_its_method_and_products(self):
        problem = small_model_problem()
        config = {"seed": 2, "model": {}, "analyses": {"hessian": {"trace": {"method": "hutch++", "probes": 12}}}}
        trace = run_hessian(problem, config, lambda *a, **k: None, lambda: False)["hessian"]["trace"]
        self.assertEqual((trace["method"], trace["probes"], trace["sketch"]), ("hutch++", 12, 4))
        self.assertTrue(math.isfinite(trace["standardError"]))
        self.assertAlmostEqual(trace["exact"], sum(run_hessian(problem, {"seed": 2, "model": {}, "analyses": {"hessian": {}}}, lambda *a, **k: None, lambda: False)["hessian"]["eigenvalues"]), delta=1e-10)
        default = run_hessian(problem, {"seed": 2, "model": {}, "analyses": {"hessian": {"trace": True}}}, lambda *a, **k: None, lambda: False)["hessian"]["trace"]
        self.assertEqual((default["method"], default["probes"]), ("hutchinson", 100))

    def test_an_unknown_trace_method_names_the_field(self):
        config = {"model": {}, "analyses": {"hessian": {"trace": {"method": "hutch+"}}}}
        with self.assertRaises(ConfigError) as caught:
            run_hessian(small_model_problem(), config, lambda *a, **k: None, lambda: False)
        self.assertEqual(caught.exception.data["field"], "/analyses/hessian/trace/method")
        self.assertIn('"hutch++"', str(caught.exception))

    def test_on_a_cluster_hutchpp_runs_in_the_backend_and_says_so(self):
        class Runner:
            """A cluster's probe runner that takes every operator but must not be asked for Hutch++."""

            def accepts(self, operator):
                return True

            def quadratic_forms(self, *args, **kwargs):
                raise AssertionError("Hutch++ went to the cluster")

        problem = small_model_problem()
        warnings: list[str] = []
        result, _ = analyze(problem, {"full": False, "top": 1, "trace": {"method": "hutch++", "probes": 9}}, warnings=warnings, runner=Runner())
        self.assertEqual((result["trace"]["method"], result["trace"]["probes"]), ("hutch++", 9))
        self.assertTrue(any("Hutch++ runs in the backend process" in line for line in warnings), warnings)


if __name__ == "__main__":
    unittest.main()
