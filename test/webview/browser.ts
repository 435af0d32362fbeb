/**
 * Drives the webview bundle in headless Debian chromium (playwright-core): builds
 * dist/webview.js's source into test-artifacts, serves the harness shell with the panel's
 * CSP, loads fixture results through window.postMessage, and measures what was drawn.
 */
import { createServer, type Server } from 'node:http';
import { after, before } from 'node:test';
import { mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import { webviewPlugins } from '../../webview/esbuild-plugins.mjs';
import { chromium, type Browser, type Page, type Locator } from 'playwright-core';
import { assertChartsDrawn } from './chart-check';

export const ARTIFACTS = 'test-artifacts/webview';
const BUNDLE = `${ARTIFACTS}/webview.js`;

/** Builds the webview bundle with the options scripts/build.mjs uses. */
export async function buildBundle(): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await esbuild.build({ entryPoints: ['webview/app/main.ts'], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', outfile: BUNDLE, minify: true, logLevel: 'warning', plugins: webviewPlugins });
}

/** Serves the harness shell, the bundle and the stylesheet on a local port. */
export async function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const origin = `http://${request.headers.host}`;
    if (url.pathname === '/favicon.ico') return void response.writeHead(204).end();
    if (url.pathname === '/webview.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(BUNDLE));
    if (url.pathname === '/webview.css') return void response.writeHead(200, { 'content-type': 'text/css' }).end(readFileSync('media/webview.css'));
    if (url.pathname === '/') {
      const nonce = randomBytes(16).toString('base64');
      const html = readFileSync('test/webview/harness.html', 'utf8')
        .replaceAll('{{nonce}}', nonce)
        .replaceAll('{{cspSource}}', origin)
        .replaceAll('{{styleUri}}', `${origin}/webview.css`)
        .replaceAll('{{scriptUri}}', `${origin}/webview.js`)
        .replaceAll('{{view}}', url.searchParams.get('view') === 'side' ? 'side' : 'panel')
        .replace('{{stub}}', readFileSync('test/webview/stub.js', 'utf8'));
      return void response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface LoadedPage {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
}

/** Each open page's console errors and uncaught exceptions, for the check hostPost runs. */
const pageErrors = new WeakMap<Page, string[]>();

/** Opens the shell at a viewport width and waits for the webview's first state request. */
export async function openWebview(browser: Browser, origin: string, width = 1200, height = 900, view: 'panel' | 'side' = 'panel', savedState?: unknown): Promise<LoadedPage> {
  const page = await browser.newPage({ viewport: { width, height } });
  // What vscode.getState() returns: the state VS Code kept from an earlier life of the webview.
  if (savedState !== undefined) await page.addInitScript((state) => Object.assign(globalThis, { __initialState: state }), savedState);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  pageErrors.set(page, errors);
  await page.goto(`${origin}/?view=${view}`);
  await until(async () => (await lens(page, 'posted')).some((message) => message.type === 'requestState'), 10_000, 'the state request');
  return { page, errors };
}

/** What the harness's stand-in script (stub.js) exposes on the page's window as __lens. */
export interface Lens {
  posted: { type: string; [key: string]: unknown }[];
  violations: string[];
  setTheme(kind: string): void;
  state(): unknown;
  ink(base64: string): Promise<{ fraction: number; mean: [number, number, number] }>;
  colour(base64: string, css: string): Promise<{ fraction: number; x: number; y: number; width: number; height: number }>;
  overflow(): number;
  text(selector: string): string;
  post(message: unknown): void;
}

/** Calls a method of the page's __lens: expressions are strings, since functions passed to page.evaluate lose this module's scope. */
export async function lens<Key extends keyof Lens>(page: Page, method: Key, ...args: unknown[]): Promise<Lens[Key] extends (...a: never[]) => infer R ? Awaited<R> : Lens[Key]> {
  const call = `window.__lens.${String(method)}` + (args.length > 0 || method !== 'posted' && method !== 'violations' ? `(${args.map((arg) => JSON.stringify(arg)).join(', ')})` : '');
  return page.evaluate(call);
}

/** Polls a condition from node (page.waitForFunction would eval in the page, which the CSP forbids). */
export async function until(condition: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(`test/fixtures/results-${name}.json`, 'utf8'));
}

/** Host messages that change what the panel shows. */
const STATE_CHANGES = new Set(['state', 'results', 'comparison']);
/** How long the page takes to draw a posted state (ECharts paints on the next frame, new boxes resize first). */
const DRAW_SETTLE_MS = 400;

/**
 * Posts a host message to the webview, as the host's webview.postMessage does. After a message
 * that changes what is shown, every chart of every tab is checked (chart-check.ts): no "could
 * not be drawn", no error logged or thrown by the page, and every chart paints its data.
 * `check: false` skips that, for a test that looks at an unfinished state on purpose.
 */
export async function hostPost(page: Page, message: unknown, options: { check?: boolean } = {}): Promise<void> {
  await lens(page, 'post', message);
  const type = (message as { type?: unknown }).type;
  if (options.check === false || typeof type !== 'string' || !STATE_CHANGES.has(type)) return;
  await page.waitForTimeout(DRAW_SETTLE_MS);
  await assertChartsDrawn(page, pageErrors.get(page) ?? [], { when: `after the host posted "${type}"` });
}

export async function posted(page: Page): Promise<{ type: string; [key: string]: unknown }[]> {
  return lens(page, 'posted');
}

export async function violations(page: Page): Promise<string[]> {
  return lens(page, 'violations');
}

/** Waits for the chart of a card to have drawn (its canvas exists), then lets a frame pass. */
export async function chartOf(page: Page, chartId: string): Promise<Locator> {
  const box = page.locator(`section.card[data-chart="${chartId}"] .chart`);
  await box.locator('canvas').first().waitFor({ state: 'attached' });
  await page.waitForTimeout(300);
  return box;
}

/**
 * The fraction of pixels of an element's screenshot that differ from its background colour
 * (decoded in the page: img-src data: is allowed by the CSP), and the mean RGB of all pixels.
 */
export async function ink(page: Page, element: Locator, file?: string): Promise<{ fraction: number; mean: [number, number, number] }> {
  const png = await element.screenshot(file ? { path: `${ARTIFACTS}/${file}` } : {});
  return lens(page, 'ink', png.toString('base64'));
}

/** The share of an element's pixels near a CSS colour, and where they are on average (pixels of the screenshot). */
export async function colourIn(page: Page, element: Locator, css: string, clip?: { x: number; y: number; width: number; height: number }): Promise<{ fraction: number; x: number; y: number }> {
  const png = await (clip ? page.screenshot({ clip }) : element.screenshot());
  return lens(page, 'colour', png.toString('base64'), css);
}

/** What a describe block's pages load from: Chromium and the served harness page. */
export interface Harness {
  browser: Browser;
  origin: string;
}

/**
 * Registers a describe block's before/after hooks: the webview bundle built, the harness page
 * served, Chromium launched (and both closed after). The fields are set once `before` has run.
 */
export function webviewHarness(): Harness {
  const harness = {} as Harness;
  let server: Server | undefined;
  before(async () => {
    await buildBundle();
    ({ server, origin: harness.origin } = await serve());
    harness.browser = await launch();
  });
  after(async () => {
    await harness.browser?.close();
    server?.close();
  });
  return harness;
}
