import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadIdxDataset, readIdx } from '../../src/core/data/idx';
import { loadCsvDataset } from '../../src/core/data/csv';
import { loadMnistSample } from '../../src/core/data/mnist-sample';
import { loadData } from '../../src/core/data/load';
import { DataError, fitTargets } from '../../src/core/data/dataset';

const FASHION = '/usr/share/datasets/fashion-mnist';
const scratch = mkdtempSync(join(tmpdir(), 'data-loaders-'));

function idxBytes(magicType: number, dimensions: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dimensions.length);
  header[2] = magicType;
  header[3] = dimensions.length;
  dimensions.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

describe('IDX loader', () => {
  it('reads the real Fashion-MNIST test set gzipped and plain', { skip: existsSync(FASHION) ? false : `${FASHION} is absent (apt install dataset-fashion-mnist)` }, () => {
    const images = join(FASHION, 't10k-images-idx3-ubyte.gz');
    const labels = join(FASHION, 't10k-labels-idx1-ubyte.gz');
    const header = readIdx(images, 'data.images');
    assert.deepEqual(header.dimensions, [10000, 28, 28]);
    const data = loadIdxDataset('fashion', images, labels, undefined, 500);
    assert.equal(data.rows, 500);
    assert.equal(data.features, 784);
    assert.equal(data.classes, 10);
    // The first two test items of Fashion-MNIST are an ankle boot (9) and a pullover (2).
    assert.deepEqual([...data.labels!.subarray(0, 2)], [9, 2]);
    let max = 0;
    for (const v of data.inputs) max = Math.max(max, v);
    assert.equal(max, 255);
    const plainLabels = join(scratch, 't10k-labels-idx1-ubyte');
    writeFileSync(plainLabels, gunzipSync(readFileSync(labels)));
    const again = loadIdxDataset('fashion', images, plainLabels, undefined, 500);
    assert.deepEqual(again.labels, data.labels);
  });

  it('names the field and the fix for a missing file, a wrong magic number, mismatched counts and labels out of range', () => {
    const images = join(scratch, 'images');
    writeFileSync(images, idxBytes(8, [3, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    const labels = join(scratch, 'labels');
    writeFileSync(labels, idxBytes(8, [2], [0, 1]));
    assert.throws(() => loadIdxDataset('x', join(scratch, 'nope'), labels), (e: Error) => e instanceof DataError && /data\.images.*does not exist/.test(e.message));
    assert.throws(() => loadIdxDataset('x', images, labels), /data\.labels.*2 labels but data\.images has 3 images/);
    const notIdx = join(scratch, 'notidx');
    writeFileSync(notIdx, 'label,x\n1,2\n');
    assert.throws(() => loadIdxDataset('x', notIdx, labels), /wrong magic number/);
    writeFileSync(labels, idxBytes(8, [3], [0, 1, 7]));
    assert.throws(() => loadIdxDataset('x', images, labels, 5), /label 7 is out of range for 5 classes/);
    const fine = loadIdxDataset('x', images, labels);
    assert.equal(fine.classes, 8);
    assert.throws(() => fitTargets(fine, 10), /10 outputs but the data "x" has 8 classes/);
  });
});

describe('bundled MNIST sample', () => {
  it('holds 10,000 real digits, balanced and interleaved, pixels 0…255', () => {
    const data = loadMnistSample();
    assert.equal(data.rows, 10000);
    assert.equal(data.features, 784);
    assert.deepEqual([...data.labels!.subarray(0, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const counts = new Array(10).fill(0);
    for (const label of data.labels!) counts[label]++;
    for (const count of counts) assert.ok(count > 800 && count < 1200);
    let ink = 0;
    for (let p = 0; p < 784; p++) ink += data.inputs[p];
    assert.ok(ink > 10 * 255, 'the first digit has ink');
  });

  it('loads as the seed does: first 5,000, standardized on the training rows, seeded 80/20 split', () => {
    const split = loadData({ kind: 'mnist-sample', samples: 5000 }, '.', 0);
    assert.equal(split.train.rows, 4000);
    assert.equal(split.test!.rows, 1000);
    let mean = 0;
    for (let i = 0; i < split.train.rows; i++) mean += split.train.inputs[i * 784 + 300];
    assert.ok(Math.abs(mean / split.train.rows) < 1e-9);
    const again = loadData({ kind: 'mnist-sample', samples: 5000 }, '.', 0);
    assert.deepEqual(again.test!.labels, split.test!.labels);
  });
});

describe('CSV loader', () => {
  it('reads a class column and numeric targets, with clear errors', () => {
    const path = join(scratch, 'iris.csv');
    writeFileSync(path, 'sepal,petal,species\n1.0,2.0,setosa\n3,4,"versicolor"\n5,6,setosa\n');
    const data = loadCsvDataset(path, { label: 'species' });
    assert.equal(data.features, 2);
    assert.deepEqual(data.classNames, ['setosa', 'versicolor']);
    assert.deepEqual([...data.labels!], [0, 1, 0]);
    assert.deepEqual([...data.targets], [1, 0, 0, 1, 1, 0]);
    const regressionPath = join(scratch, 'reg.csv');
    writeFileSync(regressionPath, 'a,y1,b,y2\n1,2,3,4\n5,6,7,8\n');
    const regression = loadCsvDataset(regressionPath, { target: ['y1', 'y2'] });
    assert.deepEqual([...regression.inputs], [1, 3, 5, 7]);
    assert.deepEqual([...regression.targets], [2, 4, 6, 8]);
    assert.throws(() => loadCsvDataset(path, { label: 'kind' }), /data\.label: no column "kind".*sepal, petal, species/);
    assert.throws(() => loadCsvDataset(path, { target: 'species' }), /line 2 .*column "species": "setosa" is not a number/);
    assert.throws(() => loadCsvDataset(join(scratch, 'missing.csv'), { label: 'x' }), /data\.path: the file .* does not exist/);
  });
});
