import type { Dataset } from '../data/dataset';
import { sliceBatch, type Mlp } from './mlp';

const CHUNK_ROWS = 1024;

/** Loss over a data set and, for classes, accuracy = share of rows whose argmax output (or output > threshold, for one output) is the label. */
export function evaluateNetwork(network: Mlp, parameters: Float64Array, data: Dataset): { loss: number; accuracy?: number } {
  const all = { inputs: data.inputs, targets: data.targets, rows: data.rows };
  const outputs = network.outputs;
  const threshold = network.spec.loss === 'sigmoid-bce' ? 0 : 0.5;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < data.rows; start += CHUNK_ROWS) {
    const end = Math.min(data.rows, start + CHUNK_ROWS);
    loss += network.lossAndGradient(parameters, sliceBatch(all, start, end, network.inputs, outputs), data.rows, null);
    if (!data.labels) continue;
    const y = network.lastOutput(end - start);
    for (let i = 0; i < end - start; i++) {
      let predicted: number;
      if (outputs === 1) predicted = y[i] > threshold ? 1 : 0;
      else {
        predicted = 0;
        for (let j = 1; j < outputs; j++) if (y[i * outputs + j] > y[i * outputs + predicted]) predicted = j;
      }
      if (predicted === data.labels[start + i]) correct++;
    }
  }
  return data.labels ? { loss, accuracy: correct / data.rows } : { loss };
}
