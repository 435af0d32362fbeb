import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../src/core/experiment';
import type { DataConfig } from '../../src/core/data/load';
import { readSafetensors, safetensorsHeader } from '../../src/core/nn/safetensors';
import { MARKER_SUFFIX } from '../../src/core/nn/save-weights';
import { buildNetworkObjective } from '../../src/core/nn/build';
import { validateConfigText } from '../../src/config/validate';

/** A .safetensors file: the header as given (length as given, or its own), then the body. */
function safetensors(header: unknown, body: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** A 2-3 Linear layer, F64: "0.weight" [3, 2] then "0.bias" [3]. */
const linear = () => ({
  '0.weight': { dtype: 'F64', shape: [3, 2], data_offsets: [0, 48] },
  '0.bias': { dtype: 'F64', shape: [3], data_offsets: [48, 72] },
});

/** Asserts the reader refuses the file fast, naming model.weights, the file and each word, before allocating from a claimed shape. */
function refused(bytes: Uint8Array, ...words: (string | RegExp)[]): void {
  const started = performance.now();
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => readSafetensors(bytes, 'w.safetensors'), (error: Error) => {
    assert.equal(error.name, 'DataError');
    assert.match(error.message, /^model\.weights: w\.safetensors is not a valid \.safetensors file: /);
    for (const word of words) assert.match(error.message, typeof word === 'string' ? new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : word);
    return true;
  });
  assert.ok(performance.now() - started < 1000, 'refused within a second');
  assert.ok(process.memoryUsage().arrayBuffers - before < 8 << 20, 'no large allocation');
}

describe('the .safetensors reader checks the header against the file', () => {
  it('reads a valid file', () => {
    const body = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const weights = readSafetensors(safetensors(linear(), new Uint8Array(body.buffer)), 'w.safetensors');
    assert.deepEqual([...weights.layers[0].weight], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...weights.layers[0].bias!], [7, 8, 9]);
  });

  it('refuses a truncated file', () => {
    const whole = safetensors(linear(), new Uint8Array(72));
    refused(whole.subarray(0, whole.length - 5), '[48, 72]', 'truncated');
    refused(whole.subarray(0, 5), 'shorter than the 8-byte header length');
    refused(whole.subarray(0, 30), 'runs past the end of the file');
  });

  it('refuses offsets past the end', () => {
    const header = linear();
    header['0.bias'].data_offsets = [64, 88];
    refused(safetensors(header, new Uint8Array(72)), '[64, 88]', 'outside');
  });

  it('refuses overlapping tensors', () => {
    const header = linear();
    header['0.bias'].data_offsets = [40, 64];
    refused(safetensors(header, new Uint8Array(72)), '"0.weight"', '"0.bias"', 'overlap');
  });

  it('refuses a size other than shape × dtype', () => {
    const header = linear();
    header['0.bias'].data_offsets = [48, 64];
    refused(safetensors(header, new Uint8Array(72)), 'needs 24 bytes', 'hold 16');
  });

  it('refuses a 10 GB shape in a 1 KB file', () => {
    refused(safetensors({ '0.weight': { dtype: 'F64', shape: [50_000, 25_000], data_offsets: [0, 1000] } }, new Uint8Array(1000)), '[50000, 25000]', "more than the file's 1000 bytes");
    refused(safetensors({ '0.weight': { dtype: 'F64', shape: [50_000, 25_000], data_offsets: [0, 10_000_000_000] } }, new Uint8Array(1000)), 'outside');
  });

  it('refuses a huge header length', () => {
    refused(safetensors(linear(), new Uint8Array(72), 2n ** 63n), 'runs past the end');
    refused(safetensors(linear(), new Uint8Array(72), 2n ** 64n - 1n), 'runs past the end');
  });

  it('refuses malformed headers and unknown dtypes', () => {
    refused(safetensors(null, new Uint8Array(8)), 'not an object');
    refused(safetensors([1, 2], new Uint8Array(8)), 'not an object');
    const cases: [unknown, string][] = [
      [{ dtype: 'F128', shape: [1], data_offsets: [0, 16] }, '"F128"'],
      [{ dtype: 'F64', shape: [-1], data_offsets: [8, 0] }, 'whole numbers ≥ 0'],
      [{ dtype: 'F64', shape: [0.5], data_offsets: [0, 4] }, 'whole numbers ≥ 0'],
      [{ dtype: 'F64', shape: [1e300], data_offsets: [0, 8] }, 'whole numbers ≥ 0'],
      [{ dtype: 'F64', shape: [1], data_offsets: [0] }, 'two whole numbers'],
      [{ dtype: 'F64', shape: [1], data_offsets: [8, 0] }, 'outside'],
    ];
    // An unknown dtype is refused even on a tensor the reader would not read.
    for (const [entry, word] of cases) refused(safetensors({ '0.weight': linear()['0.weight'], extra: entry }, new Uint8Array(72)), word);
    const bytes = new Uint8Array(12);
    bytes[0] = 4;
    bytes.set(new TextEncoder().encode('nope'), 8);
    refused(bytes, 'not JSON');
  });

  it('keeps the names of the header in a map (no prototype keys)', () => {
    const { tensors } = safetensorsHeader(safetensors(linear(), new Uint8Array(72)), 'w.safetensors');
    assert.deepEqual([...tensors.keys()], ['0.weight', '0.bias']);
  });
});

const data: DataConfig = { kind: 'synthetic', name: 'circles', samples: 60, testFraction: 0 };
const model = { layers: [2, 4, 2] };

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'save-weights-safety-'));
}

describe('training.saveWeights never overwrites a file the tool did not write', () => {
  for (const file of ['w.json', 'w.safetensors']) {
    it(`keeps a user's ${file} byte for byte and refuses before the first epoch`, async () => {
      const dir = folder();
      const mine = Buffer.from("the user's own weights \u0000\u0001");
      writeFileSync(join(dir, file), mine);
      const reports: unknown[] = [];
      await assert.rejects(
        runExperiment({ name: 'save', model, data, training: { epochs: 3, saveWeights: file } }, { baseDir: dir, onProgress: (report) => reports.push(report) }),
        (error: Error) => error.message.startsWith(`training.saveWeights: ${file} already exists and was not written by this tool`),
      );
      assert.equal(reports.length, 0);
      assert.deepEqual(readFileSync(join(dir, file)), mine);
      assert.deepEqual(readdirSync(dir), [file]);
    });
  }

  it("a second run overwrites the tool's own file, and a file changed since is refused", async () => {
    const dir = folder();
    const first = await runExperiment({ name: 'save', model, data, training: { epochs: 2, saveWeights: 'out/w.safetensors' } }, { baseDir: dir });
    const path = join(dir, 'out', 'w.safetensors');
    assert.equal(first.training!.savedWeights, path);
    const second = await runExperiment({ name: 'save', seed: 4, model, data, training: { epochs: 5, saveWeights: 'out/w.safetensors' } }, { baseDir: dir });
    assert.equal(second.training!.savedWeights, path);
    assert.deepEqual(second.warnings, []);
    const reloaded = buildNetworkObjective({ model: { layers: [2, 4, 2], weights: 'out/w.safetensors' }, data, seed: 4 }, dir);
    assert.ok(Math.abs(reloaded.objective.value(reloaded.parameters) - second.training!.history.at(-1)!.loss) < 1e-12);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['w.safetensors', `w.safetensors${MARKER_SUFFIX}`]);
    fs.appendFileSync(path, 'edited');
    const edited = readFileSync(path);
    await assert.rejects(runExperiment({ name: 'save', model, data, training: { epochs: 1, saveWeights: 'out/w.safetensors' } }, { baseDir: dir }), /not written by this tool \(or was changed since\)/);
    assert.deepEqual(readFileSync(path), edited);
  });

  it('refuses the file model.weights is loaded from', async () => {
    const dir = folder();
    await runExperiment({ name: 'save', model, data, training: { epochs: 1, saveWeights: 'start.json' } }, { baseDir: dir });
    const start = readFileSync(join(dir, 'start.json'));
    await assert.rejects(runExperiment({ name: 'again', model: { ...model, weights: 'start.json' }, data, training: { epochs: 1, saveWeights: 'start.json' } }, { baseDir: dir }), /model\.weights is loaded from/);
    assert.deepEqual(readFileSync(join(dir, 'start.json')), start);
  });

  it('a file that appears while training runs is kept; the weights go beside it, with a warning', async () => {
    const dir = folder();
    const mine = Buffer.from('written meanwhile');
    let created = false;
    const onProgress = () => {
      if (!created) writeFileSync(join(dir, 'w.json'), mine);
      created = true;
    };
    const results = await runExperiment({ name: 'save', model, data, training: { epochs: 3, saveWeights: 'w.json' } }, { baseDir: dir, onProgress });
    assert.deepEqual(readFileSync(join(dir, 'w.json')), mine);
    assert.equal(results.training!.savedWeights, join(dir, 'w-2.json'));
    assert.match(results.warnings.join('\n'), /w\.json is a file this tool did not write, so it was kept; the trained weights are in .*w-2\.json/);
    assert.deepEqual(readdirSync(dir).sort(), ['w-2.json', `w-2.json${MARKER_SUFFIX}`, 'w.json']);
  });

  it('a failed write leaves no temporary file and keeps the earlier file', async () => {
    const dir = folder();
    await runExperiment({ name: 'save', model, data, training: { epochs: 1, saveWeights: 'w.json' } }, { baseDir: dir });
    const before = readFileSync(join(dir, 'w.json'));
    const fsync = mock.method(fs, 'fsyncSync', () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    try {
      const results = await runExperiment({ name: 'save', seed: 3, model, data, training: { epochs: 2, saveWeights: 'w.json' } }, { baseDir: dir });
      assert.match(results.warnings.join('\n'), /training\.saveWeights: the trained weights were not written: ENOSPC/);
      assert.equal(results.training!.savedWeights, undefined);
      assert.equal(results.training!.history.length, 2);
    } finally {
      fsync.mock.restore();
    }
    assert.deepEqual(readFileSync(join(dir, 'w.json')), before);
    assert.deepEqual(readdirSync(dir).sort(), ['w.json', `w.json${MARKER_SUFFIX}`]);
  });
});

describe('the config: model.trustCheckpoint is warned of, runtime.threads is bounded', () => {
  const project = () => {
    const dir = folder();
    writeFileSync(join(dir, 'model.py'), 'def make_model():\n    pass\n');
    writeFileSync(join(dir, 'data.py'), 'def make_data():\n    pass\n');
    return dir;
  };
  const pytorch = (extra: Record<string, unknown>, runtime?: Record<string, unknown>) =>
    JSON.stringify({ name: 't', model: { pytorch: 'model.py:make_model', ...extra }, data: { kind: 'pytorch', factory: 'data.py:make_data' }, ...(runtime ? { runtime } : {}) });

  it('warns (and only warns) when trustCheckpoint is true', () => {
    const dir = project();
    const { config, issues } = validateConfigText(pytorch({ trustCheckpoint: true }), dir);
    assert.ok(config, 'a warning does not stop the run');
    const warning = issues.find((issue) => issue.path === '/model/trustCheckpoint');
    assert.equal(warning?.severity, 'warning');
    assert.match(warning!.message, /^loading runs code from the checkpoint files .*only for files you made or trust/);
    assert.equal(validateConfigText(pytorch({ trustCheckpoint: false }), dir).issues.length, 0);
    assert.match(validateConfigText(pytorch({ trustCheckpoint: 'yes' }), dir).issues[0].path, /\/model\/trustCheckpoint/);
  });

  it('refuses runtime.threads above 1024', () => {
    const dir = project();
    const { config, issues } = validateConfigText(pytorch({}, { threads: 100000 }), dir);
    assert.equal(config, undefined);
    assert.deepEqual(issues.map((issue) => [issue.path, issue.severity]), [['/runtime/threads', 'error']]);
    assert.equal(validateConfigText(pytorch({}, { threads: 8 }), dir).issues.length, 0);
  });
});
