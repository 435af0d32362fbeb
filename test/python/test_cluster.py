"""Landscape rows and Hessian probes on a Dask LocalCluster of two worker processes: the same
numbers as the local run, a worker killed mid-grid, a scheduler that does not answer, every
worker gone, and Cancel."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

from landscape_lens import cluster as cluster_module  # noqa: E402
from landscape_lens.cluster import client as cluster_client  # noqa: E402
from landscape_lens.cluster import Cluster, ClusterFailure, ProbeRunner, cluster_settings, row_tasks  # noqa: E402
from landscape_lens.errors import ConfigError, EnvironmentProblem  # noqa: E402
from landscape_lens.grid import linspace, refinement_levels  # noqa: E402
from landscape_lens.hessian import run_hessian  # noqa: E402
from landscape_lens.hvp import hessian_operator  # noqa: E402
from landscape_lens.landscape import run_landscape  # noqa: E402
from landscape_lens.loading import load_problem  # noqa: E402
from landscape_lens.plane import PlaneEvaluator  # noqa: E402
from landscape_lens.server import Session  # noqa: E402
from landscape_lens.spectrum import hutchinson_trace, spectral_density  # noqa: E402

MODEL = textwrap.dedent('''
    import os, time
    import torch

    class Slow(torch.nn.Module):
        """Waits LANDSCAPE_TEST_DELAY seconds per forward, so a grid lasts long enough to break it."""
        def forward(self, x):
            if os.environ.get("LANDSCAPE_TEST_EXIT"):  # a model that ends the process evaluating it
                os._exit(3)
            time.sleep(float(os.environ.get("LANDSCAPE_TEST_DELAY", "0")))
            return x

    def make_model():
        return torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.Tanh(), torch.nn.Flatten(), Slow(), torch.nn.Linear(3 * 4 * 4, 3))
''')
DATA = textwrap.dedent('''
    import torch

    def make_data():
        g = torch.Generator().manual_seed(7)
        return torch.randn(40, 1, 6, 6, generator=g), torch.randint(0, 3, (40,), generator=g)
''')


def write_example(folder):
    with open(os.path.join(folder, "model.py"), "w") as handle:
        handle.write(MODEL)
    with open(os.path.join(folder, "data.py"), "w") as handle:
        handle.write(DATA)
    return {
        "seed": 3,
        "model": {"pytorch": "model.py:make_model", "loss": "softmax-cross-entropy", "dtype": "float64"},
        "data": {"kind": "pytorch", "factory": "data.py:make_data", "testFraction": 0},
        "runtime": {"device": "cpu"},
        "analyses": {"landscape": {"directions": "random", "dimensions": 2, "resolution": 9, "range": [-1, 1]}},
    }


def silent_listener():
    """A socket that accepts connections and never says a word: a scheduler that does not answer."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    return server


def worker_state(model, data):
    """The state_dict of the model a worker builds from the bundles."""
    from landscape_lens.cluster import worker

    problem = worker._worker_problem(model, data, "test")
    return {name: tensor.detach().cpu() for name, tensor in problem.model.state_dict().items()}


class ClusterTestCase(unittest.TestCase):
    cluster = None

    @classmethod
    def setUpClass(cls):
        os.environ["LANDSCAPE_TEST_DELAY"] = "0"
        cls.folder = tempfile.mkdtemp(prefix="landscape-cluster-test-")
        cls.config = write_example(cls.folder)
        cls.problem, cls.loader = load_problem(cls.config, cls.folder)

    @classmethod
    def tearDownClass(cls):
        if cls.cluster is not None:
            cls.cluster.close()
        shutil.rmtree(cls.folder, ignore_errors=True)
        os.environ.pop("LANDSCAPE_TEST_DELAY", None)

    def start_cluster(self, workers=2):
        cluster = Cluster({"local": {"workers": workers}}, log=lambda _m: None)
        cluster.client.wait_for_workers(workers, timeout=120)
        return cluster

    def set_delay(self, seconds):
        """The Slow module's wait per forward, here and in every worker process."""
        os.environ["LANDSCAPE_TEST_DELAY"] = str(seconds)
        self.cluster.client.run(lambda: os.environ.__setitem__("LANDSCAPE_TEST_DELAY", str(seconds)))

    def plane(self):
        center = self.problem.flat()
        generator = torch.Generator().manual_seed(11)
        directions = [torch.randn(center.numel(), generator=generator, dtype=torch.float64) * 0.3 for _ in range(2)]
        return center, directions

    def grid(self, resolution):
        alphas = linspace(-1, 1, resolution)
        levels = refinement_levels(resolution, resolution)
        return alphas, levels

    def local_values(self, center, directions, points):
        evaluator = PlaneEvaluator(self.problem, *self.problem.data("train"), center, directions, optimize=False)
        try:
            return {index: evaluator.evaluate(alpha, beta) for index, alpha, beta in points}
        finally:
            self.problem.set_flat(center)


class TestConfig(unittest.TestCase):
    def test_settings_are_checked_naming_the_field(self):
        self.assertIsNone(cluster_settings({}))
        self.assertEqual(cluster_settings({"cluster": {"local": {"workers": 3}}}), {"local": {"workers": 3}})
        self.assertEqual(cluster_settings({"cluster": {"scheduler": "tcp://h:8786"}})["scheduler"], "tcp://h:8786")
        with self.assertRaises(ConfigError) as caught:
            cluster_settings({"cluster": {"local": {"workers": 0}}})
        self.assertEqual(caught.exception.data["field"], "/cluster/local/workers")
        with self.assertRaises(ConfigError) as caught:
            cluster_settings({"cluster": {"scheduler": "tcp://h:8786", "security": {"tls_ca_file": "missing-ca.pem"}}}, "/nonexistent")
        self.assertIn("missing-ca.pem", str(caught.exception))
        with self.assertRaises(ConfigError) as caught:
            cluster_settings({"cluster": {"scheduler": "tcp://h:8786", "security": {"tls_password": "x"}}})
        self.assertIn("tls_password", str(caught.exception))
        with self.assertRaises(ConfigError):
            cluster_settings({"cluster": {"scheduler": "tcp://h:8786", "local": {"workers": 2}}})

    def test_tls_options_switch_the_address_to_tls(self):
        folder = tempfile.mkdtemp()
        try:
            ca = os.path.join(folder, "ca.pem")
            open(ca, "w").close()
            settings = cluster_settings({"cluster": {"scheduler": "tcp://h:8786", "security": {"tls_ca_file": "ca.pem", "require_encryption": True}}}, folder)
            self.assertEqual(settings["scheduler"], "tls://h:8786")
            self.assertEqual(settings["security"]["tls_ca_file"], ca)
        finally:
            shutil.rmtree(folder)

    def test_row_tasks_hold_every_point_once_coarse_levels_first(self):
        alphas = linspace(-1, 1, 17)
        levels = refinement_levels(17, 17)
        tasks = row_tasks(levels, 17, 17, alphas, alphas, 2)
        indices = [index for task in tasks for index, _, _ in task]
        self.assertEqual(sorted(indices), list(range(17 * 17)))
        self.assertEqual(set(indices[: len(levels[0][1])]), set(levels[0][1]))
        for task in tasks:  # a task is one grid row
            self.assertEqual(len({index // 17 for index, _, _ in task}), 1)
        one_d = row_tasks(refinement_levels(33, 1), 33, 1, linspace(-1, 1, 33), [0.0], 2)
        self.assertEqual(sorted(i for t in one_d for i, _, _ in t), list(range(33)))


class TestUploadedPackage(unittest.TestCase):
    def test_a_python_without_the_package_imports_every_module_and_the_tasks_from_the_zip(self):
        folder = tempfile.mkdtemp(prefix="landscape-package-zip-")
        try:
            path = os.path.join(folder, "landscape_lens_test.zip")
            with open(path, "wb") as handle:
                handle.write(cluster_module.package_zip())
            here = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", "python", "landscape_lens"))
            modules = sorted(os.path.relpath(os.path.join(d, n), here)[:-3].replace(os.sep, ".") for d, _, names in os.walk(here) for n in names
                             if n.endswith(".py") and n != "__main__.py" and "__pycache__" not in d)
            script = textwrap.dedent(f"""
                import importlib, sys
                sys.path.insert(0, {path!r})
                from landscape_lens.cluster.worker import evaluate_points_task, hutchinson_probe_task, slq_probe_task
                for name in {modules!r}:
                    module = importlib.import_module("landscape_lens" if name == "__init__" else "landscape_lens." + name.removesuffix(".__init__"))
                    assert module.__file__.startswith({path!r}), module.__file__
                print("imported", len({modules!r}))
            """)
            # Run from the zip's folder with this package off the path, as a `dask worker` on another machine.
            run = subprocess.run([sys.executable, "-c", script], cwd=folder, env=without_backend_on_path(), capture_output=True, text=True, timeout=120)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertIn(f"imported {len(modules)}", run.stdout)
            self.assertIn("cluster.worker", modules)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class TestSchedulerThatDoesNotAnswer(unittest.TestCase):
    def test_initialize_fails_within_seconds_naming_the_address(self):
        folder = tempfile.mkdtemp(prefix="landscape-cluster-test-")
        server = silent_listener()
        try:
            config = write_example(folder)
            address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
            config["cluster"] = {"scheduler": address}
            session = Session()
            started = time.monotonic()
            with self.assertRaises(EnvironmentProblem) as caught:
                session.initialize({"protocolVersion": 1, "config": config, "baseDir": folder}, lambda *a, **k: None, lambda: False)
            elapsed = time.monotonic() - started
            self.assertIn(address, str(caught.exception))
            self.assertIn("dask scheduler", str(caught.exception))
            self.assertLess(elapsed, 15)
            self.assertIsNone(session.cluster)
        finally:
            server.close()
            shutil.rmtree(folder)


class TestOnTwoWorkers(ClusterTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster = Cluster({"local": {"workers": 2}}, log=lambda _m: None)
        cls.cluster.client.wait_for_workers(2, timeout=120)

    def test_landscape_equals_the_local_run(self):
        local = run_landscape(self.problem, self.config, self.loader, lambda *a, **k: None, lambda: False, workers=1)
        partials = []
        remote = run_landscape(self.problem, self.config, self.loader, lambda f, m, p=None: partials.append(p), lambda: False, cluster=self.cluster)
        self.assertTrue(remote["landscape"]["complete"])
        self.assertEqual(len(remote["landscape"]["loss"]), 81)
        for a, b in zip(local["landscape"]["loss"], remote["landscape"]["loss"]):
            self.assertAlmostEqual(a, b, delta=1e-10 * max(1.0, abs(a)))
        self.assertEqual(local["landscape"]["accuracy"], remote["landscape"]["accuracy"])
        strides = [p["landscape"]["stride"] for p in partials if p]
        self.assertEqual(strides, sorted(strides, reverse=True))  # coarse levels first, as locally
        self.assertGreaterEqual(len(strides), 2)

    def test_the_path_is_evaluated_on_the_cluster_as_locally(self):
        center = self.problem.flat()
        generator = torch.Generator().manual_seed(3)
        path = [center + 0.2 * (3 - t) * torch.randn(center.numel(), generator=generator, dtype=torch.float64) for t in range(3)] + [center.clone()]
        config = {**self.config, "analyses": {"landscape": {"directions": "pca", "resolution": 5}}}
        local = run_landscape(self.problem, config, self.loader, lambda *a, **k: None, lambda: False, checkpoints=path, workers=1)
        remote = run_landscape(self.problem, config, self.loader, lambda *a, **k: None, lambda: False, checkpoints=path, cluster=self.cluster)
        local_path, remote_path = local["landscape"]["trajectory"], remote["landscape"]["trajectory"]
        self.assertEqual(len(remote_path["loss"]), 4)
        self.assertNotIn("cancelled", remote)
        for a, b in zip(local_path["loss"], remote_path["loss"]):
            self.assertAlmostEqual(a, b, delta=1e-10 * max(1.0, abs(a)))
        self.assertAlmostEqual(remote_path["loss"][3], self.problem.loss(), delta=1e-10)  # the path ends at the centre
        self.assertNotAlmostEqual(remote_path["loss"][0], remote_path["loss"][3], places=6)
        for a, b in zip(local["landscape"]["loss"], remote["landscape"]["loss"]):
            self.assertAlmostEqual(a, b, delta=1e-10 * max(1.0, abs(a)))

    def test_float64_weights_reach_the_workers_unrounded(self):
        center = self.problem.flat()
        precise = center + 1e-9 * torch.arange(1, center.numel() + 1, dtype=torch.float64) / center.numel()  # below float32's resolution
        self.problem.set_flat(precise)
        try:
            model = self.cluster.share(cluster_module.model_bundle(self.problem, self.loader, self.config, 1))
            data = self.cluster.share(cluster_module.data_bundle(*self.problem.data("train")))
            rebuilt = self.cluster.client.submit(worker_state, model, data, pure=False).result()
            for name, tensor in self.problem.model.state_dict().items():
                self.assertTrue(torch.equal(rebuilt[name], tensor.cpu()), name)
        finally:
            self.problem.set_flat(center)

    def test_hutchinson_and_slq_probes_equal_the_local_run(self):
        runner = ProbeRunner(self.cluster, self.config, self.loader)
        operator = hessian_operator(self.problem)
        local = hutchinson_trace(operator, probes=6, seed=5)
        remote_operator = hessian_operator(self.problem)
        remote = hutchinson_trace(remote_operator, probes=6, seed=5, runner=runner)
        self.assertEqual(remote["probes"], 6)
        self.assertEqual(remote_operator.products, 6)
        for a, b in zip(local["samples"], remote["samples"]):
            self.assertAlmostEqual(a, b, delta=1e-9 * max(1.0, abs(a)))
        local_density = spectral_density(hessian_operator(self.problem), steps=12, probes=3, seed=5, grid_size=50)
        remote_density = spectral_density(hessian_operator(self.problem), steps=12, probes=3, seed=5, grid_size=50, runner=runner)
        for a, b in zip(local_density["nodes"], remote_density["nodes"]):
            for x, y in zip(a, b):
                self.assertAlmostEqual(x, y, delta=1e-8 * max(1.0, abs(x)))

    def test_per_layer_probes_run_on_the_cluster_and_equal_the_local_run(self):
        from distributed import get_task_stream

        settings = {"full": False, "top": 1, "trace": {"probes": 4}, "density": {"probes": 2, "steps": 6}, "layers": True}
        config = {**self.config, "analyses": {"hessian": settings}}
        quiet = lambda *a, **k: None  # noqa: E731
        local = run_hessian(self.problem, config, quiet, lambda: False)["hessian"]
        with get_task_stream(client=self.cluster.client) as stream:
            remote = run_hessian(self.problem, config, quiet, lambda: False, runner=ProbeRunner(self.cluster, config, self.loader))["hessian"]
        layers = local["layers"]
        self.assertGreaterEqual(len(layers), 2)
        self.assertEqual([l["name"] for l in layers], [l["name"] for l in remote["layers"]])
        for mine, theirs in zip(layers, remote["layers"]):
            self.assertAlmostEqual(mine["trace"]["estimate"], theirs["trace"]["estimate"], delta=1e-9 * max(1.0, abs(mine["trace"]["estimate"])))
            for a, b in zip(mine["density"]["values"], theirs["density"]["values"]):
                self.assertAlmostEqual(a, b, delta=1e-8 * max(1.0, abs(a)))
        names = [task["key"] for task in stream.data]
        # every probe of the whole Hessian and of each layer's block was a task on the cluster
        self.assertEqual(sum(key.startswith("hutchinson_probe_task") for key in names), 4 * (1 + len(layers)))
        self.assertEqual(sum(key.startswith("slq_probe_task") for key in names), 2 * (1 + len(layers)))

    def test_hutchinson_stops_where_the_sequential_loop_stops(self):
        runner = ProbeRunner(self.cluster, self.config, self.loader)
        local = hutchinson_trace(hessian_operator(self.problem), probes=40, relative_error=0.5, seed=2)
        remote = hutchinson_trace(hessian_operator(self.problem), probes=40, relative_error=0.5, seed=2, runner=runner)
        self.assertLess(local["probes"], 40)
        self.assertEqual(local["probes"], remote["probes"])
        self.assertAlmostEqual(local["trace"], remote["trace"], delta=1e-9 * max(1.0, abs(local["trace"])))

    def test_a_worker_killed_mid_grid_reruns_its_rows_elsewhere(self):
        self.set_delay(0.03)
        try:
            center, directions = self.plane()
            alphas, levels = self.grid(13)
            tasks = row_tasks(levels, 13, 13, alphas, alphas, 2)
            pids = self.cluster.client.run(os.getpid)
            calls = []
            killed = []

            def on_value(index, loss, accuracy):
                calls.append((index, loss, accuracy))
                if len(calls) == 40 and not killed:
                    victim = sorted(pids.values())[0]
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)

            self.cluster.evaluate_plane(self.problem, self.loader, self.config, *self.problem.data("train"), center, directions, tasks, on_value, lambda: False)
            self.assertEqual(len(killed), 1)
            indices = [c[0] for c in calls]
            self.assertEqual(sorted(indices), list(range(169)))  # every point exactly once
            expected = self.local_values(center, directions, [p for t in tasks for p in t])
            for index, loss, accuracy in calls:
                self.assertAlmostEqual(loss, expected[index][0], delta=1e-10 * max(1.0, abs(loss)))
                self.assertEqual(accuracy, expected[index][1])
            self.cluster.client.wait_for_workers(1, timeout=60)
            self.assertNotIn(killed[0], self.cluster.client.run(os.getpid).values())
        finally:
            self.cluster.client.wait_for_workers(2, timeout=120)
            self.set_delay(0)

    def test_cancel_cancels_the_futures_within_a_second(self):
        self.set_delay(0.05)
        try:
            center, directions = self.plane()
            alphas, levels = self.grid(15)
            tasks = row_tasks(levels, 15, 15, alphas, alphas, 2)
            calls = []
            asked = []

            def on_value(index, loss, accuracy):
                calls.append(index)
                if len(calls) == 10 and not asked:
                    asked.append(time.monotonic())

            self.cluster.evaluate_plane(self.problem, self.loader, self.config, *self.problem.data("train"), center, directions, tasks, on_value, lambda: bool(asked))
            self.assertLess(time.monotonic() - asked[0], 1.0)
            self.assertLess(len(calls), 225)
            self.assertEqual(len(calls), len(set(calls)))
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self.cluster.client.processing() and any(self.cluster.client.processing().values()):
                time.sleep(0.1)
            self.assertFalse(any(self.cluster.client.processing().values()), "tasks still running on the workers after Cancel")
        finally:
            self.set_delay(0)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def without_backend_on_path():
    """An environment whose PYTHONPATH lacks this package: workers get it from the client's upload."""
    env = dict(os.environ)
    here = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", "python"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.realpath(p) != here)
    return env


class SeparateProcessesTestCase(ClusterTestCase):
    """A `dask scheduler` and `dask worker` processes without nannies, as on separate machines,
    without this package on their path (the run uploads it)."""

    initial_workers = 2

    def setUp(self):
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.env = without_backend_on_path()
        quiet = subprocess.DEVNULL
        self.scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--dashboard-address", ":0"],
                                          env=self.env, stdout=quiet, stderr=quiet)
        self.workers = [self.start_worker() for _ in range(self.initial_workers)]

    def start_worker(self):
        return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--nthreads", "1", "--no-nanny", "--dashboard-address", ":0"],
                                env={**self.env, "LANDSCAPE_TEST_DELAY": "0.03"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def tearDown(self):
        if self.cluster is not None:
            self.cluster.close()
            type(self).cluster = None
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.kill()
            process.wait()

    def connect(self):
        deadline = time.monotonic() + 60
        while True:  # the scheduler process takes a moment to listen
            try:
                type(self).cluster = Cluster({"scheduler": self.address, "security": {}}, log=lambda _m: None)
                break
            except EnvironmentProblem:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.cluster.client.wait_for_workers(self.initial_workers, timeout=120)
        return self.cluster


class TestAWorkerJoins(SeparateProcessesTestCase):
    initial_workers = 1

    def test_a_worker_started_mid_grid_takes_rows(self):
        from distributed import get_task_stream

        cluster = self.connect()
        joined = []

        def start_one_when_some_are_done(fraction, message, partial=None):
            if not joined and fraction >= 0.1:
                self.workers.append(self.start_worker())
                joined.append(time.monotonic())

        config = dict(self.config)
        config["analyses"] = {"landscape": {"directions": "random", "dimensions": 2, "resolution": 21}}
        with get_task_stream(client=cluster.client) as stream:
            remote = run_landscape(self.problem, config, self.loader, start_one_when_some_are_done, lambda: False, cluster=cluster)
        local = run_landscape(self.problem, config, self.loader, lambda *a, **k: None, lambda: False, workers=1)
        self.assertEqual(len(joined), 1)
        self.assertTrue(remote["landscape"]["complete"])
        for a, b in zip(local["landscape"]["loss"], remote["landscape"]["loss"]):
            self.assertAlmostEqual(a, b, delta=1e-10 * max(1.0, abs(a)))
        by_worker = {}
        for task in stream.data:
            if task["key"].startswith("evaluate_points_task"):
                by_worker[task["worker"]] = by_worker.get(task["worker"], 0) + 1
        self.assertEqual(len(by_worker), 2, f"rows per worker: {by_worker}")  # the newcomer got the package, the model and the data, and worked
        self.assertGreater(min(by_worker.values()), 0)


class TestEveryWorkerGone(SeparateProcessesTestCase):
    def test_the_run_fails_keeping_the_finished_rows(self):
        cluster = self.connect()
        cluster_client.NO_WORKERS_GRACE_SECONDS = 2.0
        partials = []
        killed = []

        def kill_when_some_are_done(fraction, message, partial=None):
            if partial:
                partials.append(partial["landscape"])
            if not killed and fraction >= 0.2:
                for worker in self.workers:
                    worker.kill()
                    killed.append(worker.pid)

        config = dict(self.config)
        config["analyses"] = {"landscape": {"directions": "random", "dimensions": 2, "resolution": 17}}
        started = time.monotonic()
        try:
            with self.assertRaises(ClusterFailure) as caught:
                run_landscape(self.problem, config, self.loader, kill_when_some_are_done, lambda: False, cluster=cluster)
        finally:
            cluster_client.NO_WORKERS_GRACE_SECONDS = 20.0
        self.assertEqual(len(killed), 2)
        self.assertIn("every worker is gone", str(caught.exception))
        self.assertIn(self.address, str(caught.exception))
        self.assertLess(time.monotonic() - started, 60)
        last = partials[-1]
        self.assertEqual(last["stride"], 1)
        self.assertFalse(last["complete"])
        kept = [v for v in last["loss"] if v is not None]
        self.assertGreater(len(kept), 0.2 * 17 * 17 - 1)
        self.assertLess(len(kept), 17 * 17)


def serve_on_pipes():
    """The backend's serve loop in a thread, on pipes: (send(message), next_message(), thread)."""
    from landscape_lens.rpc import Connection, encode, read_message
    from landscape_lens.server import serve

    requests_read, requests_write = os.pipe()
    answers_read, answers_write = os.pipe()
    connection = Connection(os.fdopen(requests_read, "rb", buffering=0), os.fdopen(answers_write, "wb", buffering=0))
    thread = threading.Thread(target=serve, args=(connection,), daemon=True)
    thread.start()
    to_backend = os.fdopen(requests_write, "wb", buffering=0)
    from_backend = os.fdopen(answers_read, "rb", buffering=0)
    return (lambda message: to_backend.write(encode({"jsonrpc": "2.0", **message}))), (lambda: read_message(from_backend)), to_backend, thread


class TestLocalWorkersDying(ClusterTestCase):
    """A local cluster of its own: its workers are killed, or killed by the model."""

    def setUp(self):
        type(self).cluster = self.start_cluster(2)

    def tearDown(self):
        self.cluster.close()
        type(self).cluster = None

    def test_local_workers_ignore_sigint(self):
        self.assertTrue(self.cluster._ready())
        dispositions = self.cluster.client.run(lambda: signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
        self.assertEqual(len(dispositions), 2)
        self.assertTrue(all(dispositions.values()), dispositions)

    def test_a_model_that_ends_its_worker_process_is_named(self):
        self.cluster.client.run(lambda: os.environ.__setitem__("LANDSCAPE_TEST_EXIT", "1"))  # the workers only
        started = time.monotonic()
        with self.assertRaises(ClusterFailure) as caught:
            run_landscape(self.problem, self.config, self.loader, lambda *a, **k: None, lambda: False, cluster=self.cluster)
        message = str(caught.exception)
        self.assertIn("died while running landscape row tasks", message)
        self.assertIn("evaluating your model ends its process", message)
        self.assertIn("run without the cluster", message)
        self.assertLess(time.monotonic() - started, 60)

    def test_every_finished_point_reaches_the_client_when_the_workers_die(self):
        """Through the server: the newest partial result goes out before the error response."""
        self.set_delay(0.02)
        pids = list(self.cluster.client.run(os.getpid).values())
        config = dict(self.config, cluster={"scheduler": self.cluster.client.scheduler.address})
        config["analyses"] = {"landscape": {"directions": "random", "dimensions": 2, "resolution": 17}}
        send, receive, to_backend, thread = serve_on_pipes()
        try:
            send({"id": 1, "method": "initialize", "params": {"protocolVersion": 1, "config": config, "baseDir": self.folder}})
            while (message := receive()).get("id") != 1:
                pass
            self.assertIn("result", message, message)
            send({"id": 2, "method": "landscape", "params": {}})
            progress, killed = [], False
            while "id" not in (message := receive()):
                progress.append(message["params"])
                if not killed and message["params"]["fraction"] >= 0.2:
                    for pid in pids:
                        os.kill(pid, signal.SIGKILL)
                    killed = True
        finally:
            to_backend.close()
            thread.join(30)
            self.set_delay(0)
        self.assertTrue(killed)
        self.assertIn("error", message, "the landscape fails")
        counted = [int(p["message"].split()[1]) for p in progress if p["message"].endswith("points") or " points on " in p["message"]]
        partials = [p["partial"]["landscape"] for p in progress if p.get("partial")]
        last = partials[-1]
        self.assertEqual(progress[-1]["message"], "landscape: the cluster failed; the finished points are kept")
        self.assertEqual(last["stride"], 1)
        kept = sum(v is not None for v in last["loss"])
        self.assertGreaterEqual(kept, max(counted + [sum(v is not None for v in p["loss"]) for p in partials]))
        self.assertLess(kept, 17 * 17)


if __name__ == "__main__":
    unittest.main()
