/**
 * What a *.landscape.json may say, and the one way a config becomes ready to run: prepare.ts
 * (validate → the settings as defaults → the cluster setting or --cluster → the memory check →
 * the backend). validate.ts checks the text (syntax, schema, semantics.ts, network-checks.ts,
 * pytorch-checks.ts; advice.ts adds warnings); memory.ts estimates a run's memory against the
 * limits that apply; cluster-address.ts reads a scheduler address; types.ts holds the config's
 * type (core's ExperimentConfig) and ConfigIssue.
 */
export { backendOf, DEFAULT_RUN_DEFAULTS, prepare, prepareConfig, type Backend, type PreparedConfig, type PrepareOptions, type ReadyConfig, type RefusedConfig } from './prepare';
export type { ConfigIssue, ExperimentConfig } from './types';
