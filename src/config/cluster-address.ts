/**
 * Dask scheduler addresses: the one check of an address (config.cluster.scheduler, the CLI's
 * --cluster, the setting landscapeLens.cluster), the checks of a config's cluster that the schema
 * cannot make (the address, the TLS files exist), and the config with --cluster or the setting
 * applied. A malformed address found here is named with its fix before the run, instead of as a
 * scheduler that did not answer once the backend tried to reach it.
 */
import { existsSync, statSync } from 'node:fs';
import { resolveDataPath } from '../core/data/load';
import type { ConfigIssue, ExperimentConfig } from './types';

/** Dask's schemes that reach a scheduler in another process: tcp, tls, ucx and websockets. */
export const SCHEDULER_SCHEMES = ['tcp', 'tls', 'ucx', 'ws', 'wss'] as const;

const EXAMPLE = 'write "tcp://host:8786" (or "tls://host:8786" with cluster.security)';

/** The host of an address: a name or IPv4 address (letters, digits, ".", "-", "_"), or an IPv6 address in brackets. */
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]+\])$/;

/**
 * What is wrong with a scheduler address, or undefined when it is scheme://host:port with one of
 * Dask's schemes, a host and a port in 1-65535 (Dask needs the port: it has no default for a
 * scheduler's address).
 */
export function clusterAddressProblem(address: string): string | undefined {
  const text = address.trim();
  const match = /^([^:/]*):\/\/(.*)$/.exec(text);
  if (!match) return `"${text}" has no scheme: ${EXAMPLE}`;
  const [, scheme, rest] = match;
  if (scheme === 'inproc') return `"${text}": inproc:// reaches a scheduler in the same process only, and the backend runs in its own; ${EXAMPLE}`;
  if (!(SCHEDULER_SCHEMES as readonly string[]).includes(scheme)) return `"${text}": Dask has no "${scheme}" scheme (it takes ${SCHEDULER_SCHEMES.map((name) => `${name}://`).join(', ')}); ${EXAMPLE}`;
  const colon = rest.lastIndexOf(':');
  const host = colon < 0 ? rest : rest.slice(0, colon);
  const port = colon < 0 ? '' : rest.slice(colon + 1);
  if (host === '') return `"${text}" has no host: ${EXAMPLE}`;
  if (!HOST.test(host)) return `"${text}": "${host}" is not a host name or address (an IPv6 address goes in brackets: tcp://[::1]:8786); ${EXAMPLE}`;
  if (colon < 0 || port === '') return `"${text}" has no port (Dask needs one; a scheduler listens on 8786 unless told otherwise): write "${scheme}://${host}:8786"`;
  if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return `"${text}": the port "${port}" is not a number from 1 to 65535; write "${scheme}://${host}:8786"`;
  return undefined;
}

/** The TLS options of cluster.security that name files, resolved against the config's folder. */
const SECURITY_FILES = ['tls_ca_file', 'tls_client_cert', 'tls_client_key'] as const;

/** Errors in a config's cluster the schema cannot find: a malformed scheduler address, TLS files that do not exist. */
export function clusterIssues(config: ExperimentConfig, baseDir: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const cluster = config.cluster;
  if (!cluster) return issues;
  if (typeof cluster.scheduler === 'string') {
    const problem = clusterAddressProblem(cluster.scheduler);
    if (problem) issues.push({ path: '/cluster/scheduler', severity: 'error', message: `the scheduler address ${problem}` });
  }
  const security = (cluster.security ?? {}) as Record<string, unknown>;
  for (const key of SECURITY_FILES) {
    const value = security[key];
    if (typeof value !== 'string') continue;
    const file = resolveDataPath(baseDir, value);
    if (!existsSync(file)) issues.push({ path: `/cluster/security/${key}`, severity: 'error', message: `the file ${file} does not exist: give the PEM file's path, relative to the config file's folder` });
    else if (!statSync(file).isFile()) issues.push({ path: `/cluster/security/${key}`, severity: 'error', message: `${file} is a folder: give the PEM file's path, relative to the config file's folder` });
  }
  return issues;
}

/** A scheduler address given outside the config (--cluster, landscapeLens.cluster) that is malformed. */
export class ClusterAddressError extends Error {}

/**
 * The config with its PyTorch work sent to the Dask scheduler at `address` (the CLI's --cluster,
 * the setting landscapeLens.cluster): cluster.scheduler set, a `local` cluster replaced, the
 * config's TLS `security` kept. An empty address leaves the config as it is; a malformed one
 * throws a ClusterAddressError naming `source` and the fix.
 */
export function withClusterScheduler(config: ExperimentConfig, address: string | undefined, source = 'the setting landscapeLens.cluster'): ExperimentConfig {
  const scheduler = address?.trim();
  if (!scheduler) return config;
  const problem = clusterAddressProblem(scheduler);
  if (problem) throw new ClusterAddressError(`${source}: the scheduler address ${problem}`);
  const cluster = { ...config.cluster, scheduler };
  delete cluster.local;
  return { ...config, cluster };
}
