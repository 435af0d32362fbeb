"""Independent work on a Dask cluster: landscape grid rows, Hutchinson probes and SLQ probes.

Config ``"cluster": {"scheduler": "tcp://host:8786", "security": {...}}`` connects to a running
scheduler (``security`` holds Dask's TLS options, passed to ``distributed.security.Security``);
``"cluster": {"local": {"workers": 2}}`` starts a LocalCluster of worker processes with one
thread each for the run and stops it at the end.

What the workers receive, each once: this package (a zip, by ``Client.upload_file``); a bundle of
the user's Python files as bytes, the model's factory, loss, dtype and mode, and the model's
whole state_dict (parameters and buffers) as bytes; the data tensors; the plane (origin and
directions) or the Hessian's point. Each is scattered to every worker (broadcast) under a
content hash, and a worker builds the model from it once per hash (``worker._worker_problem``), so
no shared file system is assumed.

Same seed, same numbers: the landscape's points are evaluated at the same (α, β); a Hessian
probe's random vector is drawn on the worker from the state of the backend's generator just
before that probe (``torch.Generator.get_state``), so the probes are the ones the local run draws,
in the same order. Results come back as they finish (``distributed.as_completed``).

The parts: settings.py (config.cluster checked), bundles.py (what the workers receive),
worker.py (what runs on a worker: the tasks, looked up there by module name from the uploaded
package), client.py (the backend's side: Cluster, ProbeRunner, the grid's tasks).
"""

from .bundles import data_bundle, model_bundle, user_sources, vectors_bundle
from .client import Cluster, ClusterFailure, ProbeRunner, open_cluster, package_zip, row_tasks
from .settings import cluster_settings

__all__ = ["Cluster", "ClusterFailure", "ProbeRunner", "cluster_settings", "data_bundle", "model_bundle", "open_cluster", "package_zip", "row_tasks",
           "user_sources", "vectors_bundle"]
