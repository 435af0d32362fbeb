import { OPTIMIZER_DEFAULTS } from '../core/optimizers';
import { ExpressionError, compileExpression } from '../core/surfaces/expression';
import { nonFiniteCells, nowhereFiniteMessage, partlyFiniteMessage } from '../core/surfaces/finiteness';
import { RACE_DEFAULTS } from '../core/surfaces/race';
import type { ConfigIssue, ExperimentConfig } from './types';
import { networkIssues } from './network-checks';
import { pytorchIssues } from './pytorch-checks';

/** Rules a JSON schema cannot express: a surface given twice or not at all, a bad expression, parameters of the wrong optimizer, an empty domain. */
export function semanticIssues(config: ExperimentConfig, baseDir: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const error = (path: string, message: string) => issues.push({ path, message, severity: 'error' });
  const surface = config.surface;
  if (surface) {
    if (surface.name && surface.expression) error('/surface', 'the surface has both "name" and "expression": keep one');
    if (!surface.name && !surface.expression) error('/surface', 'the surface needs "name" (a built-in) or "expression" (a formula in x and y)');
    if (surface.expression) {
      if (!surface.domain) error('/surface', 'an expression surface needs "domain": [[xmin, xmax], [ymin, ymax]]');
      try {
        const compiled = compileExpression(surface.expression);
        const domain = config.grid?.domain ?? surface.domain;
        if (domain && domain.every(([low, high]) => low < high)) {
          // f on the contour grid: refused when finite nowhere, a warning when only in part.
          const cells = nonFiniteCells(compiled.value, domain, config.grid?.resolution ?? RACE_DEFAULTS.resolution);
          const nowhere = nowhereFiniteMessage(cells, domain);
          if (nowhere) error('/surface/expression', nowhere);
          const partly = partlyFiniteMessage(cells);
          if (partly) issues.push({ path: '/surface/expression', message: partly, severity: 'warning' });
        }
      } catch (caught) {
        if (!(caught instanceof ExpressionError)) throw caught;
        error('/surface/expression', caught.message);
      }
    }
    checkDomain(surface.domain, '/surface/domain', error);
    if (!config.optimizers) error('/optimizers', 'a surface experiment needs "optimizers": add e.g. [{"name": "sgd", "lr": 0.1}]');
  }
  checkDomain(config.grid?.domain, '/grid/domain', error);
  config.optimizers?.forEach((optimizer, index) => {
    const allowed = new Set([...Object.keys(OPTIMIZER_DEFAULTS[optimizer.name]), 'name', 'label', 'schedule']);
    for (const key of Object.keys(optimizer)) {
      if (!allowed.has(key)) {
        error(`/optimizers/${index}/${key}`, `"${key}" is not a parameter of ${optimizer.name}: its parameters are ${[...allowed].filter((k) => k !== 'name').join(', ')}`);
      }
    }
    const schedule = optimizer.schedule;
    if (schedule?.kind === 'step' && (schedule.step_size === undefined || schedule.gamma === undefined)) {
      error(`/optimizers/${index}/schedule`, 'a "step" schedule needs "step_size" and "gamma"');
    }
    if (schedule?.kind === 'exponential' && schedule.gamma === undefined) error(`/optimizers/${index}/schedule`, 'an "exponential" schedule needs "gamma"');
    if (schedule?.kind === 'cosine' && schedule.T_max === undefined) error(`/optimizers/${index}/schedule`, 'a "cosine" schedule needs "T_max"');
    if (optimizer.nesterov && !((optimizer.momentum as number) > 0 && !optimizer.dampening)) {
      error(`/optimizers/${index}/nesterov`, 'Nesterov momentum requires momentum > 0 and zero dampening (as in torch.optim.SGD)');
    }
  });
  if (config.optimizers && !config.surface && !hasNetwork(config)) {
    error('/surface', 'optimizers need something to optimize: add "surface" (e.g. {"name": "saddle"})');
  }
  issues.push(...networkIssues(config, baseDir), ...pytorchIssues(config, baseDir));
  return issues;
}

function hasNetwork(config: ExperimentConfig): boolean {
  return 'model' in config;
}

function checkDomain(domain: [[number, number], [number, number]] | undefined, path: string, error: (path: string, message: string) => void): void {
  if (!domain) return;
  domain.forEach(([low, high], axis) => {
    if (!(low < high)) error(`${path}/${axis}`, `the ${axis === 0 ? 'x' : 'y'} range [${low}, ${high}] is empty: write [min, max] with min < max`);
  });
}
