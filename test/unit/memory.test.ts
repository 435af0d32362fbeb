import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { availableMemory, cgroupMemoryLimit, denseHessianBytes, denseHessianRefusal, estimateRunMemory, heapLimit, LARGEST_DENSE_DIMENSION, memoryIssues, memoryLimit, type MemoryLimits } from '../../src/config/memory';
import type { ExperimentConfig } from '../../src/config/types';

const race = (steps: number, optimizers: number): ExperimentConfig => ({
  name: 'race', surface: { name: 'rosenbrock' }, steps,
  optimizers: Array.from({ length: optimizers }, () => ({ name: 'sgd' as const, lr: 0.001 })),
});

test('the estimate grows with steps × optimizers and counts the contour grid', () => {
  const small = estimateRunMemory(race(1000, 1)).bytes;
  const large = estimateRunMemory(race(1_000_000, 5)).bytes;
  // 1,000,000 × 5 measured at 6.46 GB resident: the estimate is within 20% of it
  assert.ok(Math.abs(large - 6.46e9) / 6.46e9 < 0.2, `estimate ${large}`);
  assert.ok(small < 5e6);
  const grid = estimateRunMemory({ ...race(10, 1), grid: { resolution: 1001 } }).parts.find((part) => part.what.includes('contour'));
  assert.equal(grid?.bytes, 1001 * 1001 * 16);
});

test('a run that cannot fit is an error on the field that makes it large; above half, a warning', () => {
  const big = race(1_000_000, 5);
  const [error] = memoryIssues(big, 1e9);
  assert.equal(error.severity, 'error');
  assert.equal(error.path, '/steps');
  assert.match(error.message, /needs about 6\.7 GB .* more than this machine's 1\.0 GB: lower "steps"/);
  const [warning] = memoryIssues(big, 10e9);
  assert.equal(warning.severity, 'warning');
  assert.deepEqual(memoryIssues(big, 100e9), []);
});

test('the dense Hessian is n² × 8 bytes twice (thrice more with eigenvectors), at most 23,170 parameters', () => {
  assert.equal(denseHessianBytes(3000), 3000 * 3000 * 8 * 2);
  assert.equal(denseHessianBytes(3000, true), 3000 * 3000 * 8 * 4);
  assert.match(denseHessianRefusal(100_975, false, 1e12) ?? '', /at most 4 GiB \(n ≤ 23,170\)/);
  assert.match(denseHessianRefusal(20_000, false, 4e9) ?? '', /needs 6\.4 GB .* more than this machine's 4\.0 GB/);
  assert.equal(denseHessianRefusal(LARGEST_DENSE_DIMENSION, false, 1e12), undefined);
  const model: ExperimentConfig = { name: 'net', model: { layers: [49, 16, 10], activation: ['tanh', 'linear'], loss: 'mse' }, analyses: { hessian: { full: true } } };
  assert.equal(estimateRunMemory(model).parts[0].bytes, denseHessianBytes(970));
  const [issue] = memoryIssues({ ...model, analyses: { hessian: { maxDimension: 20_000 } } }, 1e9);
  assert.equal(issue.path, '/analyses/hessian/maxDimension');
  assert.match(issue.message, /Set it at most 7905/);
});

test('LANDSCAPE_LENS_MEMORY_BYTES lowers the memory compared against, never raises it', () => {
  assert.equal(availableMemory({ LANDSCAPE_LENS_MEMORY_BYTES: '1000' }), 1000);
  assert.equal(availableMemory({ LANDSCAPE_LENS_MEMORY_BYTES: String(totalmem() * 4) }, () => undefined), totalmem());
  assert.equal(availableMemory({ LANDSCAPE_LENS_MEMORY_BYTES: 'lots' }, () => undefined), totalmem());
});

/** The files a cgroup reader is asked for, answered from `files` (undefined: no such file). */
const cgroupFiles = (files: Record<string, string>) => (path: string) => files[path];
const GB = 1e9;

test("a container's cgroup limit (v2 memory.max, else v1 memory.limit_in_bytes) lowers the memory, 'max' and v1's huge number do not", () => {
  const v2 = cgroupMemoryLimit(cgroupFiles({ '/sys/fs/cgroup/memory.max': '2147483648\n' }), 16 * GB);
  assert.deepEqual(v2, { bytes: 2147483648, owner: "the container's", source: 'cgroup memory.max' });
  const v1 = cgroupMemoryLimit(cgroupFiles({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '1073741824\n' }), 16 * GB);
  assert.equal(v1?.bytes, 1073741824);
  assert.equal(v1?.source, 'cgroup memory.limit_in_bytes');
  assert.equal(cgroupMemoryLimit(cgroupFiles({ '/sys/fs/cgroup/memory.max': 'max\n' }), 16 * GB), undefined);
  assert.equal(cgroupMemoryLimit(cgroupFiles({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' }), 16 * GB), undefined);
  assert.equal(cgroupMemoryLimit(cgroupFiles({}), 16 * GB), undefined);
  // the smallest of the machine, the container and the variable applies
  assert.deepEqual(memoryLimit({}, cgroupFiles({ '/sys/fs/cgroup/memory.max': String(2 * GB) }), 16 * GB), v2 && { ...v2, bytes: 2 * GB });
  assert.equal(memoryLimit({ LANDSCAPE_LENS_MEMORY_BYTES: String(GB) }, cgroupFiles({ '/sys/fs/cgroup/memory.max': String(2 * GB) }), 16 * GB).bytes, GB);
  assert.deepEqual(memoryLimit({}, cgroupFiles({}), 16 * GB), { bytes: 16 * GB, owner: "this machine's" });
  assert.equal(heapLimit({ heap_size_limit: 4 * GB }).bytes, 4 * GB);
});

/** Limits as a machine of `memory` bytes with a JavaScript heap of `heap` bytes gives them. */
const limits = (memory: number, heap: number, container = false): MemoryLimits => ({
  memory: container ? { bytes: memory, owner: "the container's", source: 'cgroup memory.max' } : { bytes: memory, owner: "this machine's" },
  heap: heapLimit({ heap_size_limit: heap }),
});

test("8 optimizers × 1,000,000 steps are refused against the JavaScript heap's limit, with the fix, though the machine has room", () => {
  const eight = race(1_000_000, 8);
  const estimate = estimateRunMemory(eight);
  assert.ok(estimate.heapBytes > 4.4 * GB && estimate.heapBytes < estimate.bytes, `heap ${estimate.heapBytes}, all ${estimate.bytes}`);
  const [error, ...others] = memoryIssues(eight, limits(64 * GB, 4.345 * GB));
  assert.deepEqual(others, []);
  assert.equal(error.severity, 'error');
  assert.equal(error.path, '/steps');
  assert.match(error.message, /holds about 5\.4 GB in one JavaScript heap \(8 trajectories × 1,000,001 steps: 5\.4 GB; .*\), more than the JavaScript heap's 4\.3 GB \(Node's heap_size_limit\)/);
  assert.match(error.message, /"JavaScript heap out of memory"/);
  assert.match(error.message, /lower "steps" \(about 640,000 fit with 8 optimizer\(s\)\) or the number of optimizers/);
  assert.match(error.message, /NODE_OPTIONS=--max-old-space-size=7168 \(this machine's 64\.0 GB has room for it\)/);
  // the steps it names fit: no error with them
  assert.ok(memoryIssues(race(640_000, 8), limits(64 * GB, 4.345 * GB)).every((issue) => issue.severity !== 'error'));
  // five fit Node's default heap (measured), with a warning above half of it
  const [five] = memoryIssues(race(1_000_000, 5), limits(64 * GB, 4.345 * GB));
  assert.equal(five.severity, 'warning');
  assert.match(five.message, /more than half of the JavaScript heap's 4\.3 GB/);
  // a larger heap helps only where the memory has room for it: a 6 GB container does not
  const [contained] = memoryIssues(eight, limits(6 * GB, 4.345 * GB, true));
  assert.equal(contained.severity, 'error');
  assert.match(contained.message, /more than the container's 6\.0 GB \(cgroup memory\.max\)/);
  assert.doesNotMatch(contained.message, /NODE_OPTIONS/);
  // a heap raised with --max-old-space-size lets the run through
  assert.ok(memoryIssues(eight, limits(64 * GB, 8 * GB)).every((issue) => issue.severity !== 'error'));
});

test('typed arrays live outside the heap: a dense Hessian counts against the memory, its eigenvectors against the heap too', () => {
  const model = (eigenvectors: boolean): ExperimentConfig => ({ name: 'net', model: { layers: [49, 40, 10], activation: ['tanh', 'linear'], loss: 'mse' }, analyses: { hessian: { full: true, eigenvectors, maxDimension: 3000 } } });
  const parameters = 49 * 40 + 40 + 40 * 10 + 10;
  assert.equal(estimateRunMemory(model(false)).heapBytes, 0);
  assert.equal(estimateRunMemory(model(true)).heapBytes, 2 * parameters * parameters * 8);
  const [issue] = memoryIssues(model(true), limits(64 * GB, 50e6));
  assert.equal(issue.path, '/analyses/hessian');
  assert.match(issue.message, /in one JavaScript heap/);
  assert.deepEqual(memoryIssues(model(false), limits(64 * GB, 50e6)), []);
});

test('the CLI refuses 8 optimizers × 1,000,000 steps before any work, exit 2, naming the heap limit and the fix', () => {
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const folder = mkdtempSync(join(tmpdir(), 'landscape-memory-cli-'));
  const config = join(folder, 'eight.landscape.json');
  writeFileSync(config, JSON.stringify({ ...race(1_000_000, 8), optimizers: ['sgd', 'adam', 'rmsprop', 'adagrad', 'adamw', 'sgd', 'adam', 'rmsprop'].map((name, index) => ({ name, lr: 0.0001 * (1 + index), label: `${name} ${index}` })) }));
  const started = performance.now();
  // Node's default heap (4 GB at most on 64-bit machines), whatever the machine this runs on.
  const result = spawnSync(process.execPath, ['--max-old-space-size=4096', cli, 'run', config, '--out', join(folder, 'out')], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /error: \/steps: the run holds about 5\.4 GB in one JavaScript heap .* more than the JavaScript heap's \d\.\d GB \(Node's heap_size_limit\).*: lower "steps"/);
  assert.ok(seconds < 10, `refused in ${seconds.toFixed(1)} s, before any work`);
  assert.ok(!existsSync(join(folder, 'out')), 'nothing is written');
});

test('a dense Hessian that cannot fit in memory is skipped with a warning saying why, and Lanczos finds the extremes', async () => {
  const { analyzeHessian } = await import('../../src/core/hessian/analyze');
  const { builtinSurface } = await import('../../src/core/surfaces/catalog');
  const previous = process.env.LANDSCAPE_LENS_MEMORY_BYTES;
  process.env.LANDSCAPE_LENS_MEMORY_BYTES = '10'; // less than a 2×2 Hessian's 64 bytes
  try {
    const warnings: string[] = [];
    const result = analyzeHessian(builtinSurface('saddle'), Float64Array.from([0, 0]), { full: true }, { warnings });
    assert.equal(result.eigenvalues, undefined, 'no dense spectrum');
    assert.match(warnings[0], /dense Hessian of 2 parameters needs .* more than this machine's .*: the dense spectrum was skipped/);
    assert.equal(result.classification?.kind, 'saddle');
  } finally {
    if (previous === undefined) delete process.env.LANDSCAPE_LENS_MEMORY_BYTES;
    else process.env.LANDSCAPE_LENS_MEMORY_BYTES = previous;
  }
});
