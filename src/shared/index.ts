/**
 * What every part shares and nothing here imports: results.ts, the shape of results.json (pure
 * data types, one contract for both backends, the host, the CLI and the webview), and
 * format-number.ts, the views' one number format. The webview bundles both (its ESLint rule
 * allows these two files and the webview protocol only). empty-results.ts makes the results a run
 * starts with, for the engine's pipeline, the pool and the runners.
 */
export type * from './results';
export { formatNumber } from './format-number';
export { emptyResults } from './empty-results';
