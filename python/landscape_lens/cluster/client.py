"""The backend's side: the Dask client (and the LocalCluster it owns), the package uploaded to the
workers, the landscape's grid rows and the Hessian's probes sent to them and their results
gathered as they finish."""

from __future__ import annotations

import concurrent.futures
import io
import logging
import math
import os
import sys
import tempfile
import threading
import time
import zipfile
from typing import Any, Callable, Optional, Sequence

import torch

from ..errors import EnvironmentProblem
from ..hvp import Cancelled, FiniteDifferenceOperator, ForwardOverReverseOperator, Operator, RestrictedOperator
from .bundles import data_bundle, digest, model_bundle, vectors_bundle
from .settings import FIELD, cluster_settings
from .worker import Point, evaluate_points_task, hutchinson_probe_task, ignore_interrupts, slq_probe_task, warm_worker

CONNECT_TIMEOUT_SECONDS = 5.0
"""How long a scheduler may take to answer before the run fails naming its address."""
NO_WORKERS_GRACE_SECONDS = 20.0
"""How long the cluster may have no worker at all, mid-run, before the run fails."""
WAIT_FOR_WORKERS_SECONDS = 60.0
"""How long a scheduler without workers is waited on before any work is sent."""
POLL_SECONDS = 0.1
LOCAL_CLUSTER_CONFIG = {
    # The workers' statistical profiler walks the computing thread's stack every 10 ms.
    "distributed.worker.profile.enabled": False,
    # Every event loop checks its own health every 20 ms, the workers' memory monitor every 100 ms.
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings of a local cluster (the workers share this machine's cores with this process):
idle, two workers and this process measured 0.36, 0.39 and 0.46 CPU seconds per 10 s with
Dask's defaults and the dashboard, 0.04, 0.05 and 0.17 with these and no dashboard."""

OnValue = Callable[[int, float, Optional[float]], None]
Log = Callable[[str], None]


def _log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


MODEL_HINT = ("if nothing else stopped them, evaluating your model ends its process (os._exit or sys.exit in it, a crash in native code, running out of memory): "
              'run without the cluster (no "cluster" in the config, no --cluster) to see the error')


# ---- the backend's side ---------------------------------------------------------------------------------
class ClusterFailure(EnvironmentProblem):
    """The cluster could not finish the work (every worker gone, a task failing repeatedly)."""


PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""The landscape_lens folder (this module is in its cluster/ subpackage)."""


def package_zip() -> bytes:
    """The whole package's .py files, its subpackages' (this one) included, as a zip for
    Client.upload_file: a worker without the package on its path imports it from the zip, and
    Dask looks up the tasks (worker.py) by their module's name there."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder, subfolders, names in os.walk(PACKAGE_ROOT):
            subfolders[:] = sorted(d for d in subfolders if os.path.isfile(os.path.join(folder, d, "__init__.py")))
            relative = os.path.relpath(folder, PACKAGE_ROOT)
            for name in sorted(names):
                if name.endswith(".py"):
                    inside = name if relative == "." else f"{relative.replace(os.sep, '/')}/{name}"
                    info = zipfile.ZipInfo(f"landscape_lens/{inside}", date_time=(2020, 1, 1, 0, 0, 0))
                    with open(os.path.join(folder, name), "rb") as handle:
                        archive.writestr(info, handle.read())
    return buffer.getvalue()


class Cluster:
    """A Dask client (and the LocalCluster it owns, if any) for one backend session."""

    def __init__(self, settings: dict[str, Any], log: Log = _log_to_stderr, connect_timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
        try:
            import distributed
        except ImportError as exc:
            raise EnvironmentProblem(f"cluster: this Python ({sys.executable}) cannot import Dask's distributed ({exc}); install it (pip install distributed, or Debian's python3-distributed)",
                                     {"field": FIELD}) from exc
        self._distributed = distributed
        self.log = log
        self.settings = settings
        self.local_cluster = None
        self._scattered: dict[str, Any] = {}
        self._workers = 0
        self._rate: Optional[tuple[float, int]] = None
        """(start, points) of the grid running now."""
        if "local" in settings:
            workers = settings["local"]["workers"]
            self.address = f"a local cluster of {workers} worker process(es)"
            try:
                import dask

                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    self.local_cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
                    self.client = distributed.Client(self.local_cluster, set_as_default=False)
            except Exception as exc:
                self.close()
                raise EnvironmentProblem(f"cluster.local: could not start {self.address}: {type(exc).__name__}: {exc}", {"field": FIELD + "/local"}) from exc
        else:
            self.address = settings["scheduler"]
            security = distributed.security.Security(**settings["security"]) if settings.get("security") else None
            started = time.monotonic()
            try:
                self.client = distributed.Client(self.address, security=security, timeout=connect_timeout, set_as_default=False)
            except Exception as exc:
                tls = " or cluster.security" if settings.get("security") else ""
                raise EnvironmentProblem(
                    f"cluster.scheduler {self.address}: no Dask scheduler answered within {connect_timeout:g} s ({type(exc).__name__}: {exc}); "
                    f"start one there with `dask scheduler` (and workers with `dask worker {self.address}`), or fix the address{tls}",
                    {"field": FIELD + "/scheduler"}) from exc
            self.log(f"cluster: connected to {self.address} in {time.monotonic() - started:.2f} s")
        self._prepare_error: Optional[BaseException] = None
        self._preparing = threading.Thread(target=self._prepare, name="cluster-prepare", daemon=True)
        self._preparing.start()

    # ---- lifetime -------------------------------------------------------------------------------------
    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            try:
                client.close(timeout=5)
            except Exception:
                pass
        if self.local_cluster is not None:
            try:
                self.local_cluster.close(timeout=10)
            except Exception:
                pass
            self.local_cluster = None

    def worker_count(self) -> int:
        try:
            return len(self.client.scheduler_info().get("workers", {}))
        except Exception:
            return 0

    def _prepare(self) -> None:
        """Waits for a worker and gives the workers this package, which they import with torch (in
        a thread started at connection, so the workers warm up while the backend loads or trains)."""
        try:
            if self.worker_count() == 0:
                try:
                    self.client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_SECONDS)
                except Exception as exc:
                    raise ClusterFailure(f"cluster {self.address}: the scheduler answers but has no worker after {WAIT_FOR_WORKERS_SECONDS:g} s; start some with `dask worker {self.address}`",
                                         {"field": FIELD}) from exc
            archive = package_zip()
            folder = tempfile.mkdtemp(prefix="landscape-lens-package-")
            path = os.path.join(folder, f"landscape_lens_{digest(archive)[:12]}.zip")
            with open(path, "wb") as handle:
                handle.write(archive)
            try:
                self.client.upload_file(path)
            finally:
                os.remove(path)
                os.rmdir(folder)
            self.client.run(warm_worker)
            if self.local_cluster is not None:  # our own worker processes (a remote cluster's are its owner's)
                self.client.run(ignore_interrupts)
            self._workers = self.worker_count()
        except BaseException as exc:  # kept for the first analysis that needs the cluster
            self._prepare_error = exc

    def _ready(self, cancelled: Optional[Callable[[], bool]] = None) -> bool:
        """True once the workers have this package, False when cancelled first; raises what went
        wrong preparing them."""
        while self._preparing.is_alive():
            if cancelled is not None and cancelled():
                return False
            self._preparing.join(POLL_SECONDS)
        if self._prepare_error is not None:
            error, self._prepare_error = self._prepare_error, None
            self._preparing = threading.Thread(target=self._prepare, name="cluster-prepare", daemon=True)
            self._preparing.start()  # the next analysis tries again
            raise error
        return True

    def share(self, bundle: dict[str, Any]) -> Any:
        """The bundle scattered to every worker once per content hash (a future)."""
        future = self._scattered.get(bundle["hash"])
        if future is None or future.status != "finished":
            future = self.client.scatter([bundle], broadcast=True, hash=False)[0]  # a list: a dict would be scattered item by item
            self._scattered[bundle["hash"]] = future
            while len(self._scattered) > 8:
                self._scattered.pop(next(iter(self._scattered)))
        return future

    # ---- running tasks --------------------------------------------------------------------------------
    def _gather(self, futures: list[Any], on_result: Callable[[int, Any], bool], cancelled: Optional[Callable[[], bool]], what: str) -> bool:
        """Calls on_result(task number, result) as tasks finish (on_result returns True to stop early).
        Returns False when cancelled (the futures cancelled). Raises ClusterFailure when every worker
        has been gone for NO_WORKERS_GRACE_SECONDS or a task failed on the cluster."""
        distributed = self._distributed
        number = {f.key: i for i, f in enumerate(futures)}
        pending = set(f.key for f in futures)
        finished = distributed.as_completed(futures, loop=self.client.loop, with_results=False)
        results: "list[Any]" = []
        lock = threading.Lock()
        done_event = threading.Event()

        def collect() -> None:
            try:
                for future in finished:
                    with lock:
                        results.append(future)
                    done_event.set()
            except Exception:
                pass

        collector = threading.Thread(target=collect, name="cluster-results", daemon=True)
        collector.start()
        no_workers_since: Optional[float] = None
        last_check = 0.0
        try:
            while pending:
                done_event.wait(POLL_SECONDS)
                done_event.clear()
                with lock:
                    ready, results[:] = list(results), []
                for future in ready:
                    if future.key not in pending:
                        continue
                    pending.discard(future.key)
                    if future.status == "cancelled":  # not by us: its inputs were lost with the workers holding them
                        self._cancel(futures)
                        raise self._lost(futures, len(pending) + 1, what)
                    try:
                        value = future.result()
                    except Exception as exc:
                        self._cancel(futures)
                        if isinstance(exc, concurrent.futures.CancelledError):  # cancelled (inputs lost) between the status check and here
                            raise self._lost(futures, len(pending) + 1, what) from exc
                        if isinstance(exc, distributed.KilledWorker):
                            # The scheduler gave up on a task after it was running on each of several workers that died: the task itself ends them.
                            raise ClusterFailure(f"cluster {self.address}: the worker process running a {what} task died each time it ran it (Dask's KilledWorker: "
                                                 f"{getattr(exc, 'allowed_failures', 'several')} workers lost): evaluating your model ends its process (os._exit or sys.exit "
                                                 'in it, a crash in native code, running out of memory); run without the cluster (no "cluster" in the config, no --cluster) '
                                                 "to see the error. The finished part is kept", {"field": FIELD}) from exc
                        raise
                    if on_result(number[future.key], value):
                        self._cancel(futures)
                        return True
                if cancelled is not None and cancelled():
                    self._cancel(futures)
                    return False
                now = time.monotonic()
                if pending and now - last_check >= 1.0:
                    last_check = now
                    self._workers = self.worker_count()
                    if self._workers == 0:
                        no_workers_since = no_workers_since or now
                        if now - no_workers_since >= NO_WORKERS_GRACE_SECONDS:
                            self._cancel(futures)
                            deaths = self._deaths(futures)
                            hint = f"; {deaths} of them died while running one: {MODEL_HINT}" if deaths else ""
                            raise ClusterFailure(f"cluster {self.address}: every worker is gone (none for {NO_WORKERS_GRACE_SECONDS:g} s) with {len(pending)} of {len(futures)} {what} tasks unfinished"
                                                 f"{hint}. The finished part is kept", {"field": FIELD})
                    else:
                        no_workers_since = None
            return True
        finally:
            if pending:
                self._cancel(futures)

    def _lost(self, futures: list[Any], unfinished: int, what: str) -> ClusterFailure:
        """The failure of a task cancelled by the scheduler: its inputs (the model and data) were lost with the workers holding them."""
        deaths = self._deaths(futures)
        if deaths:
            gone = "every worker is gone" if self.worker_count() == 0 else "the workers holding the model and data were lost"
            return ClusterFailure(f"cluster {self.address}: {gone} ({deaths} worker process{'es' if deaths != 1 else ''} died while running {what} tasks) "
                                  f"with {unfinished} of {len(futures)} tasks unfinished; {MODEL_HINT}. The finished part is kept", {"field": FIELD})
        return ClusterFailure(f"cluster {self.address}: every worker is gone, or the workers holding the model and data were lost, with {unfinished} of "
                              f"{len(futures)} {what} tasks unfinished; the finished part is kept", {"field": FIELD})

    def _deaths(self, futures: list[Any]) -> int:
        """How many workers the scheduler removed while they ran one of these tasks (0 when it cannot tell)."""
        keys = {str(f.key) for f in futures}

        # Defined here so that it travels by value: a remote scheduler need not have this package.
        def deaths_among(dask_scheduler: Any) -> int:
            deaths = 0
            for _, event in dask_scheduler.events.get("all", ()):
                if isinstance(event, dict) and event.get("action") == "remove-worker" and keys & {str(k) for k in event.get("processing-tasks", ())}:
                    deaths += 1
            return deaths

        try:
            return int(self.client.run_on_scheduler(deaths_among))
        except Exception:
            return 0

    def _cancel(self, futures: list[Any]) -> None:
        try:
            self.client.cancel([f for f in futures if not f.done()], force=True)
        except Exception:
            pass

    # ---- the landscape ----------------------------------------------------------------------------------
    def evaluate_plane(self, problem: Any, loader: Any, config: dict[str, Any], inputs: torch.Tensor, targets: torch.Tensor, origin: torch.Tensor,
                       directions: list[torch.Tensor], tasks: list[list[Point]], on_value: OnValue, cancelled: Callable[[], bool]) -> None:
        """Each task (a grid row's points) on a worker; on_value for each point as its row finishes.
        Returns early when cancelled; raises ClusterFailure, after the finished rows went to on_value,
        when the cluster cannot finish."""
        if not self._ready(cancelled):
            return
        model = self.share(model_bundle(problem, loader, config, self._threads(config)))
        data = self.share(data_bundle(inputs, targets))
        plane = self.share(vectors_bundle([origin, *directions]))
        futures = [self.client.submit(evaluate_points_task, model, data, plane, points, pure=False, priority=-number) for number, points in enumerate(tasks)]
        seen: set[int] = set()
        self._rate = (time.monotonic(), 0)

        def on_result(_number: int, rows: list[tuple[int, float, Optional[float]]]) -> bool:
            for index, loss, accuracy in rows:
                if index not in seen:  # a rerun row delivers each point once
                    seen.add(index)
                    self._rate = (self._rate[0], len(seen))
                    on_value(index, loss, accuracy)
            return False

        try:
            self._gather(futures, on_result, cancelled, "landscape row")
        finally:
            self._rate = None

    def rate_note(self) -> str:
        """" on N workers, R points/s" while a grid runs here, else ""."""
        if self._rate is None:
            return ""
        started, points = self._rate
        return f" on {self._workers} worker{'s' if self._workers != 1 else ''}, {points / max(time.monotonic() - started, 1e-9):.1f} points/s"

    def _threads(self, config: dict[str, Any]) -> int:
        """Torch threads per worker task: 1 in a local cluster (one process per core), else runtime.threads (0: torch's default)."""
        if self.local_cluster is not None:
            return 1
        return int((config.get("runtime") or {}).get("threads", 0) or 0)

    # ---- Hessian probes -----------------------------------------------------------------------------------
    def operator_spec(self, operator: Operator) -> Optional[dict[str, Any]]:
        """How a worker rebuilds this operator from the problem, or None for one it cannot (a dense matrix)."""
        block = None
        if isinstance(operator, RestrictedOperator):
            block, operator = (operator.offset, operator.dim), operator.base
        problem = getattr(operator, "problem", None)
        if problem is None:
            return None
        if isinstance(operator, FiniteDifferenceOperator):
            return {"method": "finite-difference", "step": operator.step, "products": "double-backprop", "block": block, "problem": problem}
        products = "forward-over-reverse" if isinstance(operator, ForwardOverReverseOperator) else "double-backprop"
        return {"method": "exact", "step": 0.0, "products": products, "block": block, "problem": problem}

    def _probe_inputs(self, spec: dict[str, Any], config: dict[str, Any], loader: Any, cancelled: Optional[Callable[[], bool]]) -> tuple[Any, Any, Any, dict[str, Any]]:
        problem = spec["problem"]
        if not self._ready(cancelled):
            raise Cancelled()
        model = self.share(model_bundle(problem, loader, config, self._threads(config)))
        data = self.share(data_bundle(*problem.data("train")))
        point = self.share(vectors_bundle([problem.flat()]))
        return model, data, point, {k: v for k, v in spec.items() if k != "problem"}


class ProbeRunner:
    """The Hessian probes of one analysis on the cluster: spectrum.hutchinson_trace and
    spectrum.spectral_density call quadratic_forms / quadratures when given a runner."""

    def __init__(self, cluster: Cluster, config: dict[str, Any], loader: Any) -> None:
        self.cluster = cluster
        self.config = config
        self.loader = loader

    def accepts(self, operator: Operator) -> bool:
        return self.cluster.operator_spec(operator) is not None

    def quadratic_forms(self, operator: Operator, states: list[torch.Tensor], enough: Callable[[list[float]], bool], cancelled: Optional[Callable[[], bool]],
                        progress: Optional[Callable[[float, str], None]] = None) -> list[float]:
        """zᵢᵀHzᵢ for the probes the generator states draw, in probe order; stops (cancelling the
        rest) at the first prefix for which enough(samples) holds, as the sequential loop would."""
        spec = self.cluster.operator_spec(operator)
        assert spec is not None
        model, data, point, description = self.cluster._probe_inputs(spec, self.config, self.loader, cancelled)
        client = self.cluster.client
        futures = [client.submit(hutchinson_probe_task, model, data, point, description, state, pure=False, priority=-i) for i, state in enumerate(states)]
        values: dict[int, float] = {}
        prefix: list[float] = []

        def on_result(number: int, value: float) -> bool:
            values[number] = value
            while len(prefix) in values:
                prefix.append(values[len(prefix)])
                operator.products += 1
                if progress is not None:
                    progress(len(prefix) / len(states), f"trace: probe {len(prefix)} of {len(states)} on the cluster")
                if enough(prefix):
                    return True
            return False

        if not self.cluster._gather(futures, on_result, cancelled, "Hutchinson probe"):
            raise Cancelled()
        return prefix

    def quadratures(self, operator: Operator, states: list[torch.Tensor], steps: int, cancelled: Optional[Callable[[], bool]],
                    progress: Optional[Callable[[float, str], None]] = None) -> list[tuple[list[float], list[float]]]:
        """Each SLQ probe's (nodes, weights), in probe order."""
        spec = self.cluster.operator_spec(operator)
        assert spec is not None
        model, data, point, description = self.cluster._probe_inputs(spec, self.config, self.loader, cancelled)
        client = self.cluster.client
        futures = [client.submit(slq_probe_task, model, data, point, description, state, steps, pure=False, priority=-i) for i, state in enumerate(states)]
        found: dict[int, tuple[list[float], list[float]]] = {}

        def on_result(number: int, value: tuple[list[float], list[float], int]) -> bool:
            nodes, weights, products = value
            found[number] = (nodes, weights)
            operator.products += products
            if progress is not None:
                progress(len(found) / len(states), f"density: {len(found)} of {len(states)} probes on the cluster")
            return False

        if not self.cluster._gather(futures, on_result, cancelled, "SLQ probe"):
            raise Cancelled()
        return [found[i] for i in range(len(states))]


def row_tasks(levels: list[tuple[int, list[int]]], columns: int, rows: int, alphas: Sequence[float], betas: Sequence[float], workers: int) -> list[list[Point]]:
    """The grid's points as cluster tasks, coarse levels first: each level's points of one grid row
    (a 2-D grid), or chunks of a level (a 1-D grid: about four per worker)."""
    tasks: list[list[Point]] = []
    for _, points in levels:
        if rows > 1:
            by_row: dict[int, list[Point]] = {}
            for index in points:
                by_row.setdefault(index // columns, []).append((index, alphas[index % columns], betas[index // columns]))
            tasks.extend(by_row[r] for r in sorted(by_row))
        else:
            size = max(1, math.ceil(len(points) / (4 * max(1, workers))))
            for start in range(0, len(points), size):
                tasks.append([(index, alphas[index % columns], betas[0]) for index in points[start : start + size]])
    return tasks


def open_cluster(config: dict[str, Any], base_dir: str, log: Log = _log_to_stderr) -> Optional[Cluster]:
    """The cluster config.cluster asks for, connected (or started); None without it."""
    settings = cluster_settings(config, base_dir)
    return Cluster(settings, log) if settings is not None else None

