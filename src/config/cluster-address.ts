import type { ExperimentConfig } from './types';

/**
 * The config with its PyTorch work sent to the Dask scheduler at `address` (the CLI's --cluster,
 * the setting landscapeLens.cluster): cluster.scheduler set, a `local` cluster replaced, the
 * config's TLS `security` kept. An empty address leaves the config as it is.
 */
export function withClusterScheduler(config: ExperimentConfig, address: string | undefined): ExperimentConfig {
  const scheduler = address?.trim();
  if (!scheduler) return config;
  const cluster = { ...config.cluster, scheduler };
  delete cluster.local;
  return { ...config, cluster };
}
