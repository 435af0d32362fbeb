import { Random } from '../random';
import { classificationSet, DataError, type Dataset } from './dataset';

/** Synthetic set names. */
export const SYNTHETIC_NAMES = ['sum-of-squares', 'xor', 'spirals', 'circles', 'moons', 'blobs'] as const;
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

/** Settings of a synthetic set; each set documents which it reads. */
export interface SyntheticOptions {
  samples?: number;
  noise?: number;
  /** Input dimension (sum-of-squares, blobs). */
  dimension?: number;
  /** Number of clusters (blobs). */
  classes?: number;
}

/** A seeded synthetic data set. */
export function syntheticDataset(name: SyntheticName, options: SyntheticOptions, seed: number): Dataset {
  const random = new Random(seed);
  const samples = options.samples ?? (name === 'sum-of-squares' ? 100 : 400);
  if (!(samples >= 2)) throw new DataError(`data.samples must be at least 2 (got ${samples})`);
  switch (name) {
    case 'sum-of-squares':
      return sumOfSquares(samples, options.dimension ?? 2, options.noise ?? 0, random);
    case 'xor':
      return twoClass(name, samples, (label) => xorPoint(label, options.noise ?? 0, random));
    case 'spirals':
      return twoClass(name, samples, (label, index, count) => spiralPoint(label, index, count, options.noise ?? 0, random));
    case 'circles':
      return twoClass(name, samples, (label) => circlePoint(label, options.noise ?? 0.05, random));
    case 'moons':
      return twoClass(name, samples, (label) => moonPoint(label, options.noise ?? 0.1, random));
    case 'blobs':
      return blobs(samples, options.dimension ?? 2, options.classes ?? 3, options.noise ?? 1, random);
  }
}

/** A regression with a curved target: x ~ N(0, I_d), y = Σ xᵢ² (+ N(0, noise²)). */
function sumOfSquares(samples: number, dimension: number, noise: number, random: Random): Dataset {
  const inputs = random.fillGaussian(new Float64Array(samples * dimension));
  const targets = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    let sum = 0;
    for (let j = 0; j < dimension; j++) sum += inputs[i * dimension + j] ** 2;
    targets[i] = sum + (noise > 0 ? noise * random.gaussian() : 0);
  }
  return { name: 'sum-of-squares', inputs, targets, rows: samples, features: dimension, outputs: 1 };
}

type PointMaker = (label: number, index: number, count: number) => [number, number];

/** Half the samples of each class, interleaved (labels 0, 1, 0, 1, …). */
function twoClass(name: SyntheticName, samples: number, point: PointMaker): Dataset {
  const inputs = new Float64Array(samples * 2);
  const labels = new Uint8Array(samples);
  const perClass = Math.ceil(samples / 2);
  for (let i = 0; i < samples; i++) {
    const label = i % 2;
    const [x, y] = point(label, Math.floor(i / 2), perClass);
    inputs[2 * i] = x;
    inputs[2 * i + 1] = y;
    labels[i] = label;
  }
  return classificationSet(name, inputs, 2, labels, 2);
}

/** XOR (TensorFlow Playground): x, y uniform in [−1, 1] kept 0.05 from the axes, class [x·y > 0], jittered by noise. */
function xorPoint(label: number, noise: number, random: Random): [number, number] {
  const away = (v: number) => v + (v > 0 ? 0.05 : -0.05);
  const x = away(2 * random.uniform() - 1);
  let y = away(2 * random.uniform() - 1);
  if ((x * y > 0 ? 1 : 0) !== label) y = -y;
  return [x + noise * random.gaussian(), y + noise * random.gaussian()];
}

/** Two spirals (TensorFlow Playground): r = 5i/n, θ = 1.75·2π·i/n + π·label, (r sin θ, r cos θ) + noise. */
function spiralPoint(label: number, index: number, count: number, noise: number, random: Random): [number, number] {
  const r = (5 * index) / count;
  const t = (1.75 * 2 * Math.PI * index) / count + Math.PI * label;
  return [r * Math.sin(t) + noise * random.gaussian(), r * Math.cos(t) + noise * random.gaussian()];
}

/** Circles (scikit-learn make_circles, factor 0.5): class 0 on the unit circle, class 1 on radius 0.5, + N(0, noise²). */
function circlePoint(label: number, noise: number, random: Random): [number, number] {
  const t = 2 * Math.PI * random.uniform();
  const r = label === 0 ? 1 : 0.5;
  return [r * Math.cos(t) + noise * random.gaussian(), r * Math.sin(t) + noise * random.gaussian()];
}

/** Moons (scikit-learn make_moons): class 0 (cos t, sin t), class 1 (1 − cos t, 0.5 − sin t), t ~ U(0, π), + N(0, noise²). */
function moonPoint(label: number, noise: number, random: Random): [number, number] {
  const t = Math.PI * random.uniform();
  const [x, y] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
  return [x + noise * random.gaussian(), y + noise * random.gaussian()];
}

/** Gaussian blobs (scikit-learn make_blobs): centers U(−10, 10)^d, points center + N(0, noise²·I), classes in turn. */
function blobs(samples: number, dimension: number, classes: number, noise: number, random: Random): Dataset {
  if (!(classes >= 2 && classes <= 255)) throw new DataError(`data.classes must be between 2 and 255 (got ${classes})`);
  const centers = Array.from({ length: classes }, () => Array.from({ length: dimension }, () => 20 * random.uniform() - 10));
  const inputs = new Float64Array(samples * dimension);
  const labels = new Uint8Array(samples);
  for (let i = 0; i < samples; i++) {
    labels[i] = i % classes;
    for (let j = 0; j < dimension; j++) inputs[i * dimension + j] = centers[labels[i]][j] + noise * random.gaussian();
  }
  return classificationSet('blobs', inputs, dimension, labels, classes);
}
