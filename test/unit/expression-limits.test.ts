/** Expressions: size limits with one-line messages, the domain checked for where f is finite, trajectories and critical points where it is not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, ExpressionError, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, quoteExpression } from '../../src/core/surfaces/expression';
import { surfaceFromExpression } from '../../src/core/surfaces/catalog';
import { nonFiniteCells } from '../../src/core/surfaces/finiteness';
import { findCriticalPoints } from '../../src/core/critical-points';
import { runTrajectory } from '../../src/core/trajectory';
import { resolveOptimizerSpec } from '../../src/core/optimizers';
import { validateConfigValue } from '../../src/config/validate';
import { runExperiment } from '../../src/core/experiment';

const nested = (depth: number) => `${'sin('.repeat(depth)}x${')'.repeat(depth)}`;

function refusal(expression: string): { message: string; milliseconds: number } {
  const started = performance.now();
  try {
    compileExpression(expression);
  } catch (caught) {
    assert.ok(caught instanceof ExpressionError, `an ExpressionError, not ${String(caught)}`);
    return { message: caught.message, milliseconds: performance.now() - started };
  }
  assert.fail(`"${expression.slice(0, 40)}…" was accepted`);
}

test('deep nesting and long expressions are refused at once, in one short line', () => {
  compileExpression('x'); // loads mathjs, which is not what is timed
  for (const expression of [nested(400), nested(100), nested(MAX_EXPRESSION_DEPTH + 1), 'x' + '+x'.repeat(MAX_EXPRESSION_LENGTH), '-'.repeat(150) + 'x', 'x' + '^x'.repeat(40)]) {
    const { message, milliseconds } = refusal(expression);
    assert.ok(milliseconds < 3000, `${milliseconds} ms`);
    assert.ok(!message.includes('\n'), 'one line');
    assert.ok(message.length < 240, `short: ${message}`);
    assert.match(message, /limit is \d+/);
  }
  assert.match(refusal(nested(400)).message, /2001 characters long; the limit is 500/);
  assert.match(refusal(nested(MAX_EXPRESSION_DEPTH + 1)).message, /nests brackets 21 deep; the limit is 20/);
});

test('what is under the limits still compiles, with exact derivatives', () => {
  const compiled = compileExpression(nested(MAX_EXPRESSION_DEPTH));
  assert.ok(Number.isFinite(compiled.value(0.3, 0)));
  const cubic = compileExpression('x^3 - 3*x*y^2');
  const gradient = new Float64Array(2);
  cubic.gradient(1, 2, gradient);
  assert.deepEqual(Array.from(gradient), [3 - 12, -12]);
});

test('messages quote at most a line of the expression', () => {
  assert.equal(quoteExpression('x^2'), '"x^2"');
  const long = quoteExpression('x +\n'.repeat(50) + 'y');
  assert.ok(!long.includes('\n'));
  assert.ok(long.endsWith('…"'));
  assert.match(refusal('x + (y').message, /^cannot parse "x \+ \(y": /);
  assert.ok(!refusal(`${'x*'.repeat(100)}(`).message.includes('\n'));
});

test('nonFiniteCells counts and locates where f is not finite on the grid', () => {
  const log = nonFiniteCells((x) => Math.log(x), [[-1, 1], [-1, 1]], 5);
  assert.equal(log.total, 25);
  assert.equal(log.count, 15, 'x = -1, -0.5 and 0 in each of 5 rows');
  assert.deepEqual(log.example, { point: [-1, -1], value: NaN });
  assert.equal(nonFiniteCells((x, y) => x * y, [[-1, 1], [-1, 1]], 5).count, 0);
});

test('validate refuses an expression finite nowhere on the domain and warns when it is finite in part', () => {
  const config = (expression: string) => ({ name: 'e', surface: { expression, domain: [[-2, 2], [-2, 2]] }, optimizers: [{ name: 'sgd', lr: 0.1 }] });
  for (const expression of ['1/0', 'sqrt(-1-x^2)', 'log(-1 - y^2)']) {
    const { config: valid, issues } = validateConfigValue(config(expression), '.');
    assert.equal(valid, undefined, expression);
    assert.ok(issues.some((issue) => issue.path === '/surface/expression' && /not a finite number anywhere on the domain.*e\.g\. f\(-2, -2\) = (NaN|Infinity)/.test(issue.message)), JSON.stringify(issues));
  }
  const { config: valid, issues } = validateConfigValue(config('log(x) + y^2'), '.');
  assert.ok(valid, 'runs');
  const warning = issues.find((issue) => issue.severity === 'warning' && issue.path === '/surface/expression');
  assert.match(warning?.message ?? '', /not finite at 5151 of 10201 grid points.*e\.g\. f\(-2, -2\) = NaN/);
});

test('a trajectory that steps where f is undefined ends "undefined at step N"; one that blows up still "diverged"', () => {
  const surface = surfaceFromExpression('log(x) + y^2', [[-2, 2], [-2, 2]]);
  const trajectory = runTrajectory(surface, resolveOptimizerSpec({ name: 'sgd', lr: 0.1 }), { start: [0.3, 0.5], steps: 20, seed: 0 });
  assert.equal(trajectory.status, 'undefined at step 1');
  assert.ok(trajectory.points[1][0] < 0, 'the step went to x < 0, where log is undefined');
  const blowUp = surfaceFromExpression('-x^4', [[-2, 2], [-2, 2]]);
  assert.match(runTrajectory(blowUp, resolveOptimizerSpec({ name: 'sgd', lr: 1 }), { start: [2, 0], steps: 50, seed: 0 }).status, /^diverged at step \d+$/);
});

test('no "degenerate critical points" where f is not finite', () => {
  // 1/0 has gradient 0 and Hessian 0 everywhere and value Infinity: before, 441 "degenerate" points.
  assert.deepEqual(findCriticalPoints(surfaceFromExpression('1/0 + 0*x', [[-2, 2], [-2, 2]]), { domain: [[-2, 2], [-2, 2]] }), []);
  const points = findCriticalPoints(surfaceFromExpression('1/(x-5) + (x-1)^2 + y^2 - log(x + 1)', [[-2, 2], [-2, 2]]), { domain: [[-2, 2], [-2, 2]] });
  assert.ok(points.every((point) => Number.isFinite(point.value) && point.eigenvalues.every(Number.isFinite)));
  assert.equal(points.filter((point) => point.kind === 'degenerate').length, 0);
});

test('a race on a partly defined surface masks the undefined cells (null) and says so in its warnings', async () => {
  const results = await runExperiment({ name: 'log', surface: { expression: 'log(x) + y^2', domain: [[-2, 2], [-2, 2]] }, start: [0.3, 0.5], steps: 10, grid: { resolution: 21 }, optimizers: [{ name: 'sgd', lr: 0.1 }] } as never, { baseDir: '.' });
  const values = results.surface!.grid.values;
  assert.equal(values.filter((value) => value === null).length, 11 * 21, 'x ≤ 0: 11 of 21 columns');
  assert.ok(values.every((value) => value === null || Number.isFinite(value)));
  assert.ok(results.warnings.some((warning) => /not finite at 231 of 441 grid points/.test(warning)), results.warnings.join('\n'));
  assert.ok(results.warnings.some((warning) => /^sgd: undefined at step 1: .*outside where the expression is defined/.test(warning)), results.warnings.join('\n'));
  assert.equal(results.trajectories![0].status, 'undefined at step 1');
});
