/**
 * The typed form of a *.landscape.json file is the engine's experiment config
 * (core/experiment/config), under its own names: its parts are typed where they are used
 * (analyses.hessian in core/hessian/options, analyses.landscape in core/landscape/options,
 * surface in core/surfaces/race).
 */
export type { ExperimentConfig, OptimizerConfig } from '../core/experiment/config';

/** A problem in a config: the JSON pointer of the field, what is wrong and how to fix it. */
export interface ConfigIssue {
  /** JSON pointer, e.g. "/optimizers/0/lr"; "" for the whole file. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** Character offset in the file's text, when the problem is a syntax error. */
  offset?: number;
  length?: number;
}
