// End to end, as a user: package the extension, install the .vsix into code-server, open examples/,
// and drive the workbench with Playwright (palette, CodeLens, Problems, side view, the panel's
// webview). Screenshots of each step go to test-artifacts/e2e-*.png.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import type { Browser, Frame, Page } from 'playwright-core';
import { assertChartsDrawn } from '../webview/chart-check';
import { copyWorkspace, createProfile, installExtension, launchBrowser, removeWorkspace, repoRoot, screenshot, startCodeServer, waitForWorkbench, type CodeServer, type Profile } from './harness';
import { acceptPrompts, activeEditorName, codeLenses, openFile, paletteOffers, problemRows, runFolders, runPaletteCommand, waitForNewResults, waitForWebview, webviewContentFrames, type WebviewContent } from './workbench';

/**
 * A run that lasts minutes on any machine (1,000 epochs of a 784-100-10 net on 5,000 digits), so
 * Cancel Run is still offered when the palette opens: an example that ends in seconds on a fast
 * machine would race the palette.
 */
const LONG_RUN = 'long-training.landscape.json';
const LONG_RUN_CONFIG = JSON.stringify({
  name: 'long-training',
  model: { layers: [784, 100, 10], activation: 'relu' },
  data: { kind: 'mnist-sample', samples: 5000 },
  training: { epochs: 1000, batchSize: 32, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 } },
});

// LANDSCAPE_LENS_VSIX=path installs that package instead of running `npm run package` first.
const prebuiltVsix = process.env.LANDSCAPE_LENS_VSIX;
const vsixPath = prebuiltVsix ?? join(repoRoot, 'dist/landscape-lens.vsix');
const runTimeoutMs = 180_000;

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

interface Manifest {
  contributes?: { commands?: ContributedCommand[]; menus?: { commandPalette?: { command: string; when?: string }[] } };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const contributedCommands = manifest.contributes?.commands ?? [];
/** Commands the palette shows only in some context (a `when` clause), e.g. Cancel Run while a run goes. */
const contextualCommands = new Set((manifest.contributes?.menus?.commandPalette ?? []).filter((entry) => entry.when).map((entry) => entry.command));
const paletteTitle = (entry: ContributedCommand): string => (entry.category ? `${entry.category}: ${entry.title}` : entry.title);

/** The labels (or names) of the optimizers of an example config, as a legend shows them. */
function optimizerNames(configFile: string): string[] {
  const config = parseJsonc(readFileSync(configFile, 'utf8')) as { optimizers?: { name: string; label?: string }[] };
  return (config.optimizers ?? []).map((optimizer) => optimizer.label ?? optimizer.name);
}

/** A chart is drawn: a visible canvas with more than a background's few colors, or an SVG with shapes. */
function showsChart(content: WebviewContent): boolean {
  return content.canvases.some((canvas) => canvas.width * canvas.height >= 10_000 && canvas.colors >= 8) || content.svgShapes >= 10;
}

/** The name a config gives its runs (the panel's heading). */
function configName(configFile: string): string {
  return (parseJsonc(readFileSync(configFile, 'utf8')) as { name: string }).name;
}

/** Messages of the error notifications currently shown. */
async function errorNotifications(page: Page): Promise<string[]> {
  return page
    .locator('.notifications-toasts .notification-list-item')
    .filter({ has: page.locator('.codicon-error') })
    .evaluateAll((items) => items.map((item) => item.textContent ?? ''));
}

/** What the panel's webview shows in its header: the run's name, whether it runs, the comparison line. */
interface PanelShows {
  view: string;
  name: string;
  running: boolean;
  comparing: string;
}

const panelShowsScript = `(() => ({
  view: document.body ? document.body.dataset.view || '' : '',
  name: ((document.querySelector('#status h2') || {}).textContent || '').trim(),
  running: Boolean(document.querySelector('#cancel-run')) || Boolean(document.querySelector('#status .badge.running')),
  comparing: ((document.querySelector('#comparison:not([hidden]) h2') || {}).textContent || '').trim(),
}))()`;

/** Polls until the panel's webview (not the side view) shows what `accept` wants, and returns its frame. */
async function panelFrame(page: Page, accept: (shows: PanelShows) => boolean, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  let seen: PanelShows[] = [];
  while (Date.now() < deadline) {
    seen = [];
    for (const frame of webviewContentFrames(page)) {
      const shows = (await frame.evaluate(panelShowsScript).catch(() => undefined)) as PanelShows | undefined;
      if (!shows || shows.view !== 'panel') continue;
      seen.push(shows);
      if (accept(shows)) return frame;
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`the panel did not show what was expected within ${timeoutMs} ms; panels seen: ${JSON.stringify(seen)}`);
}

describe('Landscape Lens in code-server', { timeout: 900_000 }, () => {
  let profile: Profile | undefined;
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  /** Errors logged or thrown by the webviews' script (dist/webview.js), for the chart check. */
  const webviewErrors: string[] = [];

  /**
   * Waits for the panel to show a finished run named `name` (or the comparison), lets it draw,
   * and checks every chart of every tab (chart-check.ts), with a screenshot of the workbench.
   */
  async function assertPanelDrawn(when: string, shotName: string, accept: (shows: PanelShows) => boolean): Promise<Frame> {
    const frame = await panelFrame(page, (shows) => !shows.running && accept(shows));
    await page.waitForTimeout(1_000);
    await screenshot(page, shotName);
    // Each check answers for the errors since the one before.
    await assertChartsDrawn(frame, webviewErrors.splice(0), { when });
    await screenshot(page, `${shotName}-checked`);
    return frame;
  }

  before(async () => {
    try {
      if (!prebuiltVsix) execFileSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'pipe', timeout: 300_000 });
    } catch (error) {
      const output = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`npm run package failed:\n${String(output.stdout ?? '').slice(-3000)}\n${String(output.stderr ?? '').slice(-3000)}`);
    }
    profile = createProfile();
    await installExtension(profile, vsixPath);
    workspace = copyWorkspace(join(repoRoot, 'examples'), ['schemas']);
    writeFileSync(join(workspace, LONG_RUN), LONG_RUN_CONFIG);
    server = await startCodeServer(profile, workspace);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // The page's events include its frames'; only the webview bundle's own are ours to judge.
    page.on('console', (message) => {
      if (message.type() === 'error' && /webview\.js/.test(message.location().url)) webviewErrors.push(message.text());
    });
    page.on('pageerror', (error) => {
      if (/webview\.js/.test(error.stack ?? '')) webviewErrors.push(String(error));
    });
    await page.goto(server.url);
    await waitForWorkbench(page);
    await screenshot(page, 'e2e-01-workbench');
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    profile?.dispose();
    if (workspace) removeWorkspace(workspace);
  });

  test('the .vsix installs into code-server', () => {
    assert.ok(profile);
    const installed = readdirSync(profile.extensionsDir).filter((name) => name.startsWith('landscape-lens.landscape-lens-'));
    assert.equal(installed.length, 1, `extensions folder holds: ${readdirSync(profile.extensionsDir).join(', ')}`);
  });

  test('the palette offers every contributed command (contextual ones aside) with a config open', async () => {
    assert.ok(contributedCommands.length > 0, 'package.json contributes commands');
    await openFile(page, 'saddle-race.landscape.json');
    const missing: string[] = [];
    for (const entry of contributedCommands.filter((command) => !contextualCommands.has(command.command))) {
      if (!(await paletteOffers(page, paletteTitle(entry)))) missing.push(paletteTitle(entry));
    }
    assert.deepEqual(missing, [], 'commands the palette does not offer');
  });

  test('Run Experiment from the palette writes results and the panel draws charts', async () => {
    await openFile(page, 'saddle-race.landscape.json');
    const before = runFolders(workspace);
    await runPaletteCommand(page, 'Landscape Lens: Run Experiment');
    await acceptPrompts(page);
    const runFolder = await waitForNewResults(page, workspace, before, runTimeoutMs);
    assert.match(runFolder, /\.landscape-lens\/runs\/[^/]+-[^/]+$/);
    const results: unknown = JSON.parse(readFileSync(join(runFolder, 'results.json'), 'utf8'));
    assert.equal(typeof results, 'object');
    const { content } = await waitForWebview(page, showsChart, 60_000);
    assert.ok(showsChart(content));
    await screenshot(page, 'e2e-02-run-experiment-panel');
    const name = configName(join(workspace, 'saddle-race.landscape.json'));
    await assertPanelDrawn('after Run Experiment on saddle-race', 'e2e-02-run-experiment-charts', (shows) => shows.name === name);
  });

  test('the panel names every optimizer of the config', async () => {
    const names = optimizerNames(join(workspace, 'saddle-race.landscape.json'));
    assert.ok(names.length > 0);
    const { content } = await waitForWebview(page, (shown) => names.every((name) => shown.text.includes(name)), 30_000);
    for (const name of names) assert.ok(content.text.includes(name), `the panel shows "${name}"`);
  });

  test('the CodeLens above a config runs it', async () => {
    await openFile(page, 'saddle-race.landscape.json');
    const lens = codeLenses(page).filter({ hasText: /Run/ }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'e2e-03-codelens');
    const before = runFolders(workspace);
    await lens.click();
    await acceptPrompts(page);
    const runFolder = await waitForNewResults(page, workspace, before, runTimeoutMs);
    assert.ok(existsSync(join(runFolder, 'results.json')));
  });

  test('a broken config shows its error in the Problems panel', async () => {
    // No "$schema" here: only the extension's jsonValidation can tie the file to the schema.
    writeFileSync(join(workspace, 'broken.landscape.json'), '{\n  "name": "broken",\n  "surface": { "name": "saddle" },\n  "steps": "many"\n}\n');
    await openFile(page, 'broken.landscape.json');
    const deadline = Date.now() + 60_000;
    let rows: string[] = [];
    while (Date.now() < deadline) {
      rows = await problemRows(page);
      if (rows.some((row) => /broken\.landscape\.json/.test(row)) && rows.some((row) => /integer|steps/i.test(row))) break;
      await page.waitForTimeout(2_000);
    }
    await screenshot(page, 'e2e-04-problems');
    assert.ok(rows.some((row) => /broken\.landscape\.json/.test(row)), `Problems rows: ${rows.join(' | ')}`);
    assert.ok(rows.some((row) => /integer|steps/i.test(row)), `Problems rows: ${rows.join(' | ')}`);
  });

  test('the Landscape Lens side view opens from the activity bar and shows content', async () => {
    const item = page.locator('.part.activitybar .action-item a[aria-label^="Landscape Lens"], .part.activitybar .action-item .action-label[aria-label^="Landscape Lens"]').first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click();
    const title = page.locator('.part.sidebar .composite.title');
    await assert.doesNotReject(title.filter({ hasText: /Landscape Lens/i }).waitFor({ state: 'visible', timeout: 15_000 }));
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    assert.ok(sidebar, 'the side bar is visible');
    const { content } = await waitForWebview(page, (shown) => shown.text.trim().length > 0, 30_000);
    assert.ok(content.text.trim().length > 0);
    const frames = page.frames().filter((frame) => frame.url().includes('/webview/browser/pre/index.html'));
    const boxes = await Promise.all(frames.map(async (frame) => (await frame.frameElement()).boundingBox()));
    const inSidebar = boxes.some((box) => box && box.x >= sidebar.x - 1 && box.x + box.width <= sidebar.x + sidebar.width + 1 && box.width > 50 && box.height > 50);
    assert.ok(inSidebar, 'a webview is laid out inside the side bar');
    await screenshot(page, 'e2e-05-side-view');
  });

  test('Optimizer Race on a Surface runs from its quick picks alone', async () => {
    const before = runFolders(workspace);
    await runPaletteCommand(page, 'Landscape Lens: Optimizer Race on a Surface');
    const prompts = await acceptPrompts(page);
    assert.ok(prompts > 0, 'the command asks for a surface and optimizers through quick picks');
    await waitForNewResults(page, workspace, before, runTimeoutMs);
    await screenshot(page, 'e2e-06-optimizer-race');
  });

  test('New Experiment from Template writes a new config and opens it', async () => {
    const configsBefore = readdirSync(workspace).filter((name) => name.endsWith('.landscape.json'));
    await runPaletteCommand(page, 'Landscape Lens: New Experiment from Template');
    const prompts = await acceptPrompts(page);
    assert.ok(prompts > 0, 'the command offers its templates in a quick pick');
    let created: string[] = [];
    const deadline = Date.now() + 30_000;
    while (created.length === 0 && Date.now() < deadline) {
      created = readdirSync(workspace).filter((name) => name.endsWith('.landscape.json') && !configsBefore.includes(name));
      await page.waitForTimeout(500);
    }
    assert.equal(created.length, 1, `new configs: ${created.join(', ')}`);
    await page.locator(`.editor-group-container.active .tab.active[data-resource-name="${created[0]}"]`).waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await activeEditorName(page), created[0]);
    await screenshot(page, 'e2e-07-new-from-template');
  });

  // Each focused command on the first example that has what it needs, as a user would pick it.
  const focused: [string, string, (config: Record<string, unknown>) => boolean][] = [
    ['Train Network', 'train-network', (config) => Boolean(config.model && config.training)],
    ['Analyze Hessian', 'analyze-hessian', (config) => Boolean((config.analyses as Record<string, unknown> | undefined)?.hessian)],
    ['Plot Loss Landscape', 'plot-landscape', (config) => Boolean((config.analyses as Record<string, unknown> | undefined)?.landscape)],
    ['Detect Saddle Points', 'detect-saddles', (config) => Boolean(config.surface)],
  ];
  for (const [title, shotName, fits] of focused) {
    test(`${title} from the palette on a fitting example writes results`, async () => {
      const example = readdirSync(workspace)
        .filter((name) => name.endsWith('.landscape.json') && name !== 'broken.landscape.json')
        .sort()
        .find((name) => fits(parseJsonc(readFileSync(join(workspace, name), 'utf8')) as Record<string, unknown>));
      assert.ok(example, `no example in examples/ has what ${title} needs`);
      await openFile(page, example);
      const before = runFolders(workspace);
      await runPaletteCommand(page, `Landscape Lens: ${title}`);
      await acceptPrompts(page);
      await waitForNewResults(page, workspace, before, runTimeoutMs);
      assert.deepEqual(await errorNotifications(page), []);
      await screenshot(page, `e2e-08-${shotName}`);
      const name = configName(join(workspace, example));
      await assertPanelDrawn(`after ${title} on ${example}`, `e2e-08-${shotName}-charts`, (shows) => shows.name === name);
    });
  }

  test('Cancel Run is offered while a run goes, and the cancelled run keeps a results folder', async () => {
    await openFile(page, LONG_RUN);
    const before = runFolders(workspace);
    await runPaletteCommand(page, 'Landscape Lens: Run Experiment');
    await runPaletteCommand(page, 'Landscape Lens: Cancel Run', 20_000);
    await waitForNewResults(page, workspace, before, 60_000);
    await screenshot(page, 'e2e-09-cancelled');
    assert.equal(await paletteOffers(page, 'Landscape Lens: Cancel Run', 3_000), false, 'Cancel Run leaves the palette once the run ended');
  });

  test('Show Panel, Open Results and Export Results run without an error notification', async () => {
    const failures: string[] = [];
    for (const title of ['Show Panel', 'Open Results', 'Export Results']) {
      await openFile(page, 'saddle-race.landscape.json');
      await runPaletteCommand(page, `Landscape Lens: ${title}`);
      await acceptPrompts(page, 4);
      await page.waitForTimeout(1_000);
      const errors = await errorNotifications(page);
      if (errors.length > 0) failures.push(`${title}: ${errors.join(' / ')}`);
      if (title === 'Show Panel') await waitForWebview(page, (shown) => shown.text.trim().length > 0, 30_000);
      await page.keyboard.press('Escape');
    }
    await screenshot(page, 'e2e-10-open-export');
    assert.deepEqual(failures, [], 'commands that raised an error notification');
  });

  test('after a window reload the panel restores itself and draws the shown run again', async () => {
    await openFile(page, 'saddle-race.landscape.json');
    const before = runFolders(workspace);
    await runPaletteCommand(page, 'Landscape Lens: Run Experiment');
    await acceptPrompts(page);
    await waitForNewResults(page, workspace, before, runTimeoutMs);
    await waitForWebview(page, showsChart, 60_000);
    // As a user reloads: the workbench command, which saves the editor layout before it reloads.
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runPaletteCommand(page, 'Developer: Reload Window')]);
    await waitForWorkbench(page);
    const { content } = await waitForWebview(page, showsChart, 90_000);
    assert.ok(showsChart(content));
    await screenshot(page, 'e2e-11-restored-after-reload');
    const name = configName(join(workspace, 'saddle-race.landscape.json'));
    await assertPanelDrawn('after a window reload', 'e2e-11-restored-charts', (shows) => shows.name === name);
  });

  test('two runs made from the palette are compared through the quick pick, and the panel shows both names', async () => {
    const names: string[] = [];
    for (const config of ['saddle-race.landscape.json', 'saddle-free-newton.landscape.json']) {
      names.push((parseJsonc(readFileSync(join(workspace, config), 'utf8')) as { name: string }).name);
      await openFile(page, config);
      const before = runFolders(workspace);
      await runPaletteCommand(page, 'Landscape Lens: Run Experiment');
      await acceptPrompts(page);
      await waitForNewResults(page, workspace, before, runTimeoutMs);
    }
    await runPaletteCommand(page, 'Landscape Lens: Compare Runs');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // Tick one run of each config, as a user does: filter by its name, tick the first row.
    for (const name of names) {
      await input.fill(name);
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) }).first();
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      await row.locator('.monaco-checkbox').first().click();
    }
    await input.fill('');
    await screenshot(page, 'e2e-12-compare-pick');
    await page.keyboard.press('Enter');
    const { content } = await waitForWebview(page, (shown) => shown.text.includes('Comparing 2 runs') && names.every((name) => shown.text.includes(name)), 60_000);
    for (const name of names) assert.ok(content.text.includes(name), `the comparison names "${name}"`);
    await screenshot(page, 'e2e-13-compare-panel');
    await assertPanelDrawn('after Compare Runs', 'e2e-13-compare-charts', (shows) => shows.comparing === 'Comparing 2 runs');
  });

  test('run A, run B, A clicked in the run list, A and B compared, the comparison ended: every chart draws after each', async () => {
    // adaptive-saddle-detector (3 training panels, 1000 epochs with early stopping), then
    // spirals-hessian (4 panels, 80 epochs, a Hessian tab): the change that broke the charts.
    const configs = ['adaptive-saddle-detector.landscape.json', 'spirals-hessian.landscape.json'];
    const [nameA, nameB] = configs.map((config) => configName(join(workspace, config)));
    // A comparison left by an earlier test is ended first: the panel then shows single runs.
    const earlier = await panelFrame(page, () => true).catch(() => undefined);
    if (earlier && (await earlier.locator('#comparison:not([hidden]) #end-comparison').count()) > 0) {
      await earlier.locator('#end-comparison').click();
      await panelFrame(page, (shows) => !shows.comparing);
    }
    const ids: string[] = [];
    for (const [index, config] of configs.entries()) {
      await openFile(page, config);
      const before = runFolders(workspace);
      await runPaletteCommand(page, 'Landscape Lens: Run Experiment');
      await acceptPrompts(page);
      ids.push(basename(await waitForNewResults(page, workspace, before, runTimeoutMs)));
      const name = index === 0 ? nameA : nameB;
      await assertPanelDrawn(`after running ${config}`, `e2e-14-${index === 0 ? 'a' : 'b'}-${name}`, (shows) => shows.name === name && !shows.comparing);
    }
    // A from the panel's run list.
    let frame = await panelFrame(page, (shows) => shows.name === nameB);
    const runList = frame.locator('#history');
    if ((await runList.getAttribute('open')) === null) await frame.locator('#history > summary').click();
    await frame.locator(`#history li[data-run="${ids[0]}"] a.run-link`).click();
    frame = await assertPanelDrawn('after clicking run A in the run list', 'e2e-15-a-from-run-list', (shows) => shows.name === nameA && !shows.comparing);
    // A and B ticked and compared from the run list.
    if ((await frame.locator('#history').getAttribute('open')) === null) await frame.locator('#history > summary').click();
    for (const id of ids) await frame.locator(`#history li[data-run="${id}"] input[type="checkbox"]`).check();
    await frame.locator('#compare-ticked').click();
    frame = await assertPanelDrawn('after comparing A and B', 'e2e-16-compare-a-b', (shows) => shows.comparing === 'Comparing 2 runs');
    // The comparison ended: back to the run shown before.
    await frame.locator('#end-comparison').click();
    await assertPanelDrawn('after ending the comparison', 'e2e-17-comparison-ended', (shows) => !shows.comparing && shows.name !== '');
  });
});
