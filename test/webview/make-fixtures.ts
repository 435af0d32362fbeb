/**
 * Regenerates test/fixtures/results-*.json from the real engine (never hand-made numbers):
 *   node --import tsx test/webview/make-fixtures.ts
 * Each fixture is a config run through runExperiment, exactly as the CLI and the host run it.
 */
import { writeFileSync } from 'node:fs';
import { validateConfigValue } from '../../src/config/validate';
import { runExperiment } from '../../src/core/experiment';
import type { ExperimentResults } from '../../src/shared/results';
import { configs } from './fixture-configs';

/** Runs whose first streamed partial is kept too, as the host would post it while the run goes on. */
const KEEP_FIRST_PARTIAL = new Set(['landscape']);

async function main(): Promise<void> {
const only = process.argv.slice(2);
for (const [name, config] of Object.entries(configs)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const validated = validateConfigValue(config, process.cwd());
  const errors = validated.issues.filter((issue) => issue.severity === 'error');
  if (!validated.config || errors.length > 0) throw new Error(`${name}: ${JSON.stringify(errors)}`);
  let firstPartial: Partial<ExperimentResults> | undefined;
  const results = await runExperiment(validated.config, {
    baseDir: process.cwd(),
    onProgress: (report) => {
      if (!firstPartial && report.partial?.landscape) firstPartial = report.partial;
    },
  });
  if (KEEP_FIRST_PARTIAL.has(name) && firstPartial) {
    const streamed = { ...results, ...firstPartial, timings: {}, warnings: [] };
    writeFileSync(`test/fixtures/results-${name}-partial.json`, JSON.stringify(streamed) + '\n');
  }
  writeFileSync(`test/fixtures/results-${name}.json`, JSON.stringify(results) + '\n');
  console.log(`test/fixtures/results-${name}.json`, Object.keys(results).join(', '));
}
}

void main();
