"""The engine's losses (src/core/nn/losses.ts), written out element by element."""

import math
import unittest

import torch

import helpers  # noqa: F401
from landscape_lens.losses import builtin_loss


class LossesTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.y = torch.randn(6, 3, dtype=torch.float64)
        self.labels = torch.tensor([0, 2, 1, 1, 0, 2])
        self.t = torch.nn.functional.one_hot(self.labels, 3).double()

    def test_softmax_cross_entropy_with_labels_one_hot_and_soft_targets(self):
        def engine(y, t):  # (1/N) Σᵢ [logsumexp(yᵢ)·Σⱼtᵢⱼ − Σⱼ tᵢⱼ yᵢⱼ]
            total = 0.0
            for i in range(y.shape[0]):
                lse = math.log(sum(math.exp(v) for v in y[i].tolist()))
                total += sum(tj * (lse - yj) for tj, yj in zip(t[i].tolist(), y[i].tolist()))
            return total / y.shape[0]

        loss = builtin_loss("softmax-cross-entropy")
        self.assertAlmostEqual(float(loss(self.y, self.labels)), engine(self.y, self.t), places=12)
        self.assertAlmostEqual(float(loss(self.y, self.t)), engine(self.y, self.t), places=12)
        soft = torch.softmax(torch.randn(6, 3, dtype=torch.float64), dim=1)
        self.assertAlmostEqual(float(loss(self.y, soft)), engine(self.y, soft), places=12)

    def test_mse_sse_and_sigmoid_bce(self):
        y, t = self.y.flatten().tolist(), self.t.flatten().tolist()
        mse = sum((a - b) ** 2 for a, b in zip(y, t)) / len(y)
        sse = 0.5 * sum((a - b) ** 2 for a, b in zip(y, t))
        bce = sum(math.log1p(math.exp(a)) - b * a for a, b in zip(y, t)) / len(y)
        self.assertAlmostEqual(float(builtin_loss("mse")(self.y, self.labels)), mse, places=12)
        self.assertAlmostEqual(float(builtin_loss("sse")(self.y, self.t)), sse, places=12)
        self.assertAlmostEqual(float(builtin_loss("sigmoid-bce")(self.y, self.labels)), bce, places=12)
        self.assertTrue(builtin_loss("sse").summed)
        self.assertFalse(builtin_loss("mse").summed)

    def test_one_output_with_labels(self):
        y = torch.tensor([[0.3], [-1.2]], dtype=torch.float64)
        labels = torch.tensor([1, 0])
        expected = (math.log1p(math.exp(0.3)) - 0.3 + math.log1p(math.exp(-1.2))) / 2
        self.assertAlmostEqual(float(builtin_loss("sigmoid-bce")(y, labels)), expected, places=12)

    def test_unknown_name(self):
        with self.assertRaises(ValueError) as caught:
            builtin_loss("nll")
        self.assertIn("softmax-cross-entropy", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
