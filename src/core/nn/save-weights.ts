import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveDataPath } from '../data/load';
import type { MlpSpec } from './layout';
import { writeSafetensors } from './safetensors';
import { weightsToJson } from './weights';

/** Writes parameters as .safetensors (F64, nn.Sequential names) or the documented JSON form; returns the absolute path. */
export function saveWeights(path: string, baseDir: string, spec: MlpSpec, parameters: Float64Array): string {
  const target = resolveDataPath(baseDir, path);
  mkdirSync(dirname(target), { recursive: true });
  if (target.endsWith('.safetensors')) writeFileSync(target, writeSafetensors(spec, parameters));
  else writeFileSync(target, JSON.stringify(weightsToJson(spec, parameters)));
  return target;
}
