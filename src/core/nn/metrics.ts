import type { Dataset } from '../data/dataset';
import { sliceBatch, type Mlp } from './mlp';

const CHUNK_ROWS = 1024;

/**
 * Loss over a data set and, for classes, accuracy = share of rows whose argmax output (or output
 * > threshold, for one output) is the label; with softmax-cross-entropy on one-hot target columns
 * (no labels), the label is the argmax of the targets.
 */
export function evaluateNetwork(network: Mlp, parameters: Float64Array, data: Dataset): { loss: number; accuracy?: number } {
  const all = { inputs: data.inputs, targets: data.targets, rows: data.rows };
  const outputs = network.outputs;
  const threshold = network.spec.loss === 'sigmoid-bce' ? 0 : 0.5;
  const labelled = data.labels !== undefined || (network.spec.loss === 'softmax-cross-entropy' && outputs > 1);
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < data.rows; start += CHUNK_ROWS) {
    const end = Math.min(data.rows, start + CHUNK_ROWS);
    loss += network.lossAndGradient(parameters, sliceBatch(all, start, end, network.inputs, outputs), data.rows, null);
    if (!labelled) continue;
    const y = network.lastOutput(end - start);
    for (let i = 0; i < end - start; i++) {
      const predicted = outputs === 1 ? (y[i] > threshold ? 1 : 0) : argmax(y, i * outputs, outputs);
      if (predicted === (data.labels ? data.labels[start + i] : argmax(data.targets, (start + i) * outputs, outputs))) correct++;
    }
  }
  return labelled ? { loss, accuracy: correct / data.rows } : { loss };
}

function argmax(values: Float64Array, offset: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
