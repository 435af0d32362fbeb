"""tuning.py: torch's and OpenBLAS's thread counts, glibc's malloc thresholds."""

import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

from landscape_lens.tuning import blas_threads, set_blas_threads, set_threads, single_blas_thread, tune_malloc  # noqa: E402


@unittest.skipIf(blas_threads() is None, "this torch does not use OpenBLAS")
class OpenBlasThreadsTest(unittest.TestCase):
    def setUp(self):
        self.torch_threads = torch.get_num_threads()
        self.blas = blas_threads()

    def tearDown(self):
        torch.set_num_threads(self.torch_threads)
        set_blas_threads(self.blas)

    def test_set_threads_sets_torch_and_openblas(self):
        set_blas_threads(2)
        set_threads(1)
        self.assertEqual(torch.get_num_threads(), 1)
        self.assertEqual(blas_threads(), 1)

    def test_one_blas_thread_for_a_while_then_as_before(self):
        set_blas_threads(2)
        with single_blas_thread():
            self.assertEqual(blas_threads(), 1)
            a = torch.randn(300, 300, dtype=torch.float64)
            self.assertTrue(torch.allclose(a @ torch.eye(300, dtype=torch.float64), a))
        self.assertEqual(blas_threads(), 2)


@unittest.skipUnless(sys.platform.startswith("linux"), "glibc's mallopt")
class MallocTest(unittest.TestCase):
    def test_thresholds_are_set_once(self):
        self.assertTrue(tune_malloc())
        self.assertTrue(tune_malloc())  # a second call keeps the first's answer


if __name__ == "__main__":
    unittest.main()
