"""The backend's request handlers: initialize, train, hessian, landscape, shutdown (see python/PROTOCOL.md).

Training and the Hessian live in training.py and hessian.py:
``run_training(problem, config, progress, cancelled)`` returns ``{"training": ..., "hessianHistory"?: ...,
"cancelled"?: True, "checkpoints"?: [flat tensors]}``; "checkpoints" (the initial weights, then one per
epoch) stays in the backend for pca and the projected path and is not sent.
``run_hessian(problem, config, progress, cancelled, runner, trained_epochs)`` returns ``{"hessian": ..., "cancelled"?: True}``;
trained_epochs is the epoch count of the session's last training (its history entry of reason "end").
``progress(fraction, message, partial=None)``; ``cancelled()`` → bool.
"""

from __future__ import annotations

import atexit
import platform
import sys
import traceback
from typing import Any, Callable, Optional

import torch

from . import __version__
from .errors import INTERNAL, INVALID_PARAMS, METHOD_NOT_FOUND, BackendError, ProtocolError, UserFiles, classify
from .loading import Loader, load_problem
from .problem import Problem
from .rpc import EOF_MARK, Connection, MessageTooLarge, Progress

PROTOCOL_VERSION = 1


class Session:
    """What the backend holds between requests: the config, the problem and the training path."""

    def __init__(self) -> None:
        self.config: dict[str, Any] = {}
        self.base_dir = "."
        self.user_files = UserFiles(".")
        self.problem: Optional[Problem] = None
        self.loader: Optional[Loader] = None
        self.checkpoints: Optional[list[torch.Tensor]] = None
        self.trained_epochs: Optional[int] = None
        """Epochs the last training finished, for the Hessian analysis that follows (its history entry of reason "end")."""
        self.cluster: Any = None
        """A cluster.Cluster when the config has "cluster": grid rows and Hessian probes go there."""

    # ---- requests -------------------------------------------------------------------------------
    def initialize(self, params: dict[str, Any], progress: Callable[..., None], cancelled: Callable[[], bool]) -> Any:
        version = params.get("protocolVersion")
        if version != PROTOCOL_VERSION:
            raise ProtocolError(INVALID_PARAMS, f"protocolVersion {version!r}: this backend ({__version__}) speaks protocol {PROTOCOL_VERSION}; use the python/ folder shipped with the same extension")
        config = params.get("config")
        if not isinstance(config, dict):
            raise ProtocolError(INVALID_PARAMS, "initialize: params.config must be the config object")
        self.config = config
        self.base_dir = params.get("baseDir") or "."
        self.user_files = UserFiles(self.base_dir)
        progress(0.0, "loading the model and data")
        problem, loader = load_problem(config, self.base_dir, self.user_files)
        self.problem, self.loader = problem, loader
        self.trained_epochs = None
        if config.get("cluster") is not None:  # connect now: a scheduler that does not answer fails before any work
            from .cluster import open_cluster

            progress(0.5, "connecting to the cluster")
            self.close()
            self.cluster = open_cluster(config, self.base_dir)
        described = describe(problem)
        if self.cluster is not None:
            described["backend"]["cluster"] = self.cluster.address
        return described

    def train(self, params: dict[str, Any], progress: Callable[..., None], cancelled: Callable[[], bool]) -> Any:
        problem = self._require_problem()
        from .training import run_training  # imported on first use, as hessian and landscape: initialize answers sooner

        result = dict(run_training(problem, self.config, progress, cancelled))
        self.trained_epochs = len(result["training"]["history"])
        checkpoints = result.pop("checkpoints", None)
        if checkpoints:
            self.checkpoints = [c.detach() for c in checkpoints]
        if cancelled():
            result["cancelled"] = True
        return result

    def hessian(self, params: dict[str, Any], progress: Callable[..., None], cancelled: Callable[[], bool]) -> Any:
        problem = self._require_problem()
        from .hessian import run_hessian

        runner = None
        if self.cluster is not None:
            from .cluster import ProbeRunner

            runner = ProbeRunner(self.cluster, self.config, self.loader)
        result = dict(run_hessian(problem, self.config, progress, cancelled, runner, self.trained_epochs))
        if cancelled():
            result["cancelled"] = True
        return result

    def landscape(self, params: dict[str, Any], progress: Callable[..., None], cancelled: Callable[[], bool]) -> Any:
        problem = self._require_problem()
        from .landscape import run_landscape

        assert self.loader is not None
        return run_landscape(problem, self.config, self.loader, progress, cancelled, self.checkpoints, cluster=self.cluster)

    def close(self) -> None:
        """Disconnects from the cluster (stopping a local one)."""
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def _require_problem(self) -> Problem:
        if self.problem is None:
            raise ProtocolError(INVALID_PARAMS, "initialize must come first")
        return self.problem


def describe(problem: Problem) -> dict[str, Any]:
    """initialize's result: versions, device, dtype, parameter counts per module, data shape."""
    types = {name: type(module).__name__ for name, module in problem.model.named_modules()}
    modules = [{"name": name, "type": types.get(name, ""), "parameters": length} for name, _, length in problem.blocks()]
    data: dict[str, Any] = {"trainRows": problem.rows("train"), "testRows": problem.rows("test"), "inputShape": problem.input_shape()}
    if problem.classification:
        classes = problem.output_width if problem.output_width > 1 else 2
        largest = problem.largest_label()
        if largest is not None:
            classes = max(classes, largest + 1)
        data["classes"] = classes
    return {
        "protocolVersion": PROTOCOL_VERSION,
        "backend": {
            "name": "pytorch",
            "version": __version__,
            "python": platform.python_version(),
            "torch": torch.__version__,
            "device": str(problem.device),
            "dtype": str(problem.dtype).replace("torch.", ""),
            "parameters": problem.dimension,
        },
        "modules": modules,
        "data": data,
    }


def serve(connection: Connection) -> int:
    """Serves requests one at a time until exit or the end of input; the exit code."""
    session = Session()
    handlers = {"initialize": session.initialize, "train": session.train, "hessian": session.hessian, "landscape": session.landscape}
    atexit.register(session.close)  # a local cluster's worker processes stop with the backend
    connection.start()
    while True:
        message = connection.inbox.get()
        if message is EOF_MARK:
            return 0
        method = message.get("method")
        request_id = message.get("id")
        if request_id is None:  # a notification
            if method == "exit":
                return 0
            continue
        if method == "shutdown":
            session.close()
            connection.respond(request_id, None)
            continue
        handler = handlers.get(method)
        if handler is None:
            connection.respond_error(request_id, ProtocolError(METHOD_NOT_FOUND, f"unknown method {method!r}").to_json())
            continue
        params = message.get("params") or {}
        progress = Progress(lambda p: send_progress(connection, p))
        cancelled = lambda rid=request_id: connection.is_cancelled(rid)  # noqa: E731
        try:
            try:
                result = handler(params, progress, cancelled)
            except BaseException:
                # The newest partial result still held by the throttle goes out before the error
                # response (which carries no results): every finished point, epoch or stage is kept.
                progress.flush()
                raise
            finally:
                progress.close()
        except BaseException as exc:  # every failure of a request becomes its error response
            if isinstance(exc, (KeyboardInterrupt, SystemExit)) and not isinstance(exc, BackendError):
                raise
            error = classify(exc, session.user_files, f"in {method}")
            if not isinstance(error, BackendError) or error.kind in ("internal", "user-code", "environment"):
                print(error.data.get("traceback") or traceback.format_exc(), file=sys.stderr)
            connection.respond_error(request_id, error.to_json())
        else:
            try:
                connection.respond(request_id, result)
            except MessageTooLarge as exc:
                print(f"landscape_lens: the answer to {method} was not sent: {exc}", file=sys.stderr)
                connection.respond_error(request_id, ProtocolError(INTERNAL, f"the result of {method} is too large to send: {exc}; ask for less "
                                                                                    "(no eigenvectors, a coarser grid, fewer steps)").to_json())
        finally:
            connection.forget(request_id)


def send_progress(connection: Connection, params: dict[str, Any]) -> None:
    """A progress notification; one over the message limit is left out (the log says so), the
    computation goes on."""
    try:
        connection.notify("progress", params)
    except MessageTooLarge as exc:
        print(f"landscape_lens: a progress report was left out: {exc}", file=sys.stderr)
