"""The cluster's config: config.cluster checked, its TLS files resolved against the config's folder."""

from __future__ import annotations

import os
from typing import Any, Optional

from ..errors import ConfigError

FIELD = "/cluster"
SECURITY_KEYS = ("tls_ca_file", "tls_client_cert", "tls_client_key", "tls_ciphers", "tls_min_version", "tls_max_version", "require_encryption")
SECURITY_FILES = ("tls_ca_file", "tls_client_cert", "tls_client_key")


def cluster_settings(config: dict[str, Any], base_dir: str = ".") -> Optional[dict[str, Any]]:
    """config.cluster checked: {"scheduler", "security"} or {"local": {"workers"}}; None without it.
    Security file paths are resolved against the config's folder."""
    value = config.get("cluster")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError('cluster: give {"scheduler": "tcp://host:8786"} or {"local": {"workers": 2}}', FIELD)
    unknown = sorted(set(value) - {"scheduler", "security", "local"})
    if unknown:
        raise ConfigError(f"cluster: unknown field(s) {', '.join(unknown)}; use scheduler, security or local", FIELD)
    scheduler, local = value.get("scheduler"), value.get("local")
    if (scheduler is None) == (local is None):
        raise ConfigError('cluster: give exactly one of "scheduler" (a running Dask scheduler, e.g. "tcp://host:8786") and "local" ({"workers": 2})', FIELD)
    if local is not None:
        workers = local.get("workers", 2) if isinstance(local, dict) else None
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise ConfigError(f"cluster.local.workers {workers!r}: use a whole number ≥ 1", FIELD + "/local/workers")
        return {"local": {"workers": workers}}
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ConfigError(f'cluster.scheduler {scheduler!r}: give the scheduler\'s address, e.g. "tcp://host:8786"', FIELD + "/scheduler")
    security = value.get("security") or {}
    if not isinstance(security, dict):
        raise ConfigError("cluster.security: give an object of Dask TLS options (tls_ca_file, tls_client_cert, tls_client_key, require_encryption)", FIELD + "/security")
    out: dict[str, Any] = {}
    for key, option in security.items():
        if key not in SECURITY_KEYS:
            raise ConfigError(f"cluster.security.{key}: not a Dask TLS option; use {', '.join(SECURITY_KEYS)}", f"{FIELD}/security/{key}")
        if key in SECURITY_FILES:
            if not isinstance(option, str):
                raise ConfigError(f"cluster.security.{key}: give a file path", f"{FIELD}/security/{key}")
            option = option if os.path.isabs(option) else os.path.normpath(os.path.join(base_dir, option))
            if not os.path.isfile(option):
                raise ConfigError(f"cluster.security.{key}: {option} does not exist (paths are relative to the config's folder)", f"{FIELD}/security/{key}")
        out[key] = option
    address = scheduler.strip()
    if out and address.startswith("tcp://"):
        address = "tls://" + address[len("tcp://"):]
    return {"scheduler": address, "security": out}
