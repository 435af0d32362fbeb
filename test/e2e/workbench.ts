// What a user does in the VS Code workbench, as Playwright steps: the command palette, quick open,
// CodeLens, the Problems panel, and reading what webviews (nested iframes) show.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';

const quickInput = '.quick-input-widget';

function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * Opens the quick input with `shortcut`, types `text`, and polls for a row labelled exactly `label`.
 * Returns true with that row clicked (or, when `click` is false, the quick input closed again), or
 * false when none appeared in time.
 */
async function pickExactRow(page: Page, shortcut: string, text: string, label: string, timeoutMs: number, click: boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator(`${quickInput} .quick-input-box input`);
  const row = page.locator(`${quickInput} .monaco-list-row`).filter({ has: page.locator('.label-name', { hasText: exactly(label) }) }).first();
  for (;;) {
    await page.keyboard.press(shortcut);
    // The list filters asynchronously, and right after the workbench loads extension
    // contributions are still arriving: wait, and reopen now and then. The input itself may
    // close between appearing and being typed into (a notification or a prompt of the last
    // command taking focus): that too is tried again.
    try {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(text, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: Math.max(1, Math.min(5_000, deadline - Date.now())) });
      if (!click) {
        await page.keyboard.press('Escape');
        return true;
      }
      // Results keep arriving (Quick Open's file search after its history) and the list re-uses
      // its row elements, so a click can land on a row that changed under it: wait until the
      // focused row is the one asked for and stays so, then accept it with Enter.
      if (await settledOnFocusedRow(page, label, Math.max(1, Math.min(5_000, deadline - Date.now())))) {
        await page.keyboard.press('Enter');
        return true;
      }
      await row.click();
      return true;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() >= deadline) return false;
    }
  }
}

/** Whether the quick input's focused row is labelled exactly `label` in two looks 300 ms apart. */
async function settledOnFocusedRow(page: Page, label: string, timeoutMs: number): Promise<boolean> {
  const focused = page.locator(`${quickInput} .monaco-list-row.focused .label-name`).first();
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    const text = ((await focused.textContent({ timeout: 500 }).catch(() => null)) ?? '').trim();
    seen = text === label ? seen + 1 : 0;
    if (seen >= 2) return true;
    await page.waitForTimeout(300);
  }
  return false;
}

/** Opens the palette (F1), types "Category: Title", and runs the row with exactly that label. */
export async function runPaletteCommand(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  if (!(await pickExactRow(page, 'F1', `>${label}`, label, timeoutMs, true))) {
    throw new Error(`the command palette offers no "${label}" within ${timeoutMs} ms`);
  }
}

/** Whether the palette offers a command labelled exactly `label` (the palette is closed again). */
export async function paletteOffers(page: Page, label: string, timeoutMs = 10_000): Promise<boolean> {
  return pickExactRow(page, 'F1', `>${label}`, label, timeoutMs, false);
}

/** Whether a quick pick or input box is open. */
export async function quickInputVisible(page: Page): Promise<boolean> {
  return page.locator(quickInput).isVisible();
}

/**
 * Accepts the default of every quick pick / input box the command shows, up to `maxPrompts`:
 * waits up to 4 s for the first prompt and 2 s for each next one.
 */
export async function acceptPrompts(page: Page, maxPrompts = 6): Promise<number> {
  let accepted = 0;
  for (let prompt = 0; prompt < maxPrompts; prompt++) {
    const deadline = Date.now() + (prompt === 0 ? 4_000 : 2_000);
    while (Date.now() < deadline && !(await quickInputVisible(page))) await page.waitForTimeout(200);
    if (!(await quickInputVisible(page))) break;
    // Give a pick's items a moment to arrive before accepting the focused one.
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');
    accepted += 1;
    await page.waitForTimeout(300);
  }
  return accepted;
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page: Page, fileName: string, timeoutMs = 15_000): Promise<void> {
  const tab = page.locator(`.editor-group-container.active .tab.active[data-resource-name="${fileName}"]`);
  for (let attempt = 1; ; attempt++) {
    if (!(await pickExactRow(page, 'Control+P', fileName, fileName, timeoutMs, true))) {
      throw new Error(`Quick Open offers no "${fileName}" within ${timeoutMs} ms`);
    }
    try {
      await tab.waitFor({ state: 'visible', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw new Error(`"${fileName}" is not the active editor after Quick Open (active: ${await activeEditorName(page)})`, { cause: error });
    }
  }
}

/** The file name of the active editor group's active tab. */
export async function activeEditorName(page: Page): Promise<string> {
  return (await page.locator('.editor-group-container.active .tab.active').first().getAttribute('data-resource-name')) ?? '';
}

/** The CodeLens links shown in the active editor. */
export function codeLenses(page: Page) {
  return page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a');
}

/** The inner content frames of every webview (panel or view): VS Code nests them as iframe > iframe. */
export function webviewContentFrames(page: Page): Frame[] {
  return page.frames().filter((frame) => frame.url().includes('/webview/browser/pre/fake.html'));
}

export interface WebviewContent {
  text: string;
  canvases: { width: number; height: number; colors: number; visible: boolean }[];
  svgShapes: number;
}

// Runs inside a webview frame (the tests' tsconfig has no DOM types, hence a string). Copies each
// visible canvas into a 2-D canvas and counts distinct colors on a sparse pixel grid (up to 64);
// a hidden canvas counts as having none.
const readWebviewScript = `(() => {
  const labels = Array.from(document.querySelectorAll('[aria-label]')).map((element) => element.getAttribute('aria-label'));
  const canvases = Array.from(document.querySelectorAll('canvas')).map((canvas) => {
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    const box = canvas.getBoundingClientRect();
    const visible = box.width > 0 && box.height > 0 && (typeof canvas.checkVisibility !== 'function' || canvas.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }));
    if (!context || !visible || canvas.width === 0 || canvas.height === 0) return { width: canvas.width, height: canvas.height, colors: 0, visible };
    context.drawImage(canvas, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colors = new Set();
    for (let offset = 0; offset < pixels.length && colors.size < 64; offset += 4 * 7) {
      colors.add(((pixels[offset] << 24) | (pixels[offset + 1] << 16) | (pixels[offset + 2] << 8) | pixels[offset + 3]) >>> 0);
    }
    return { width: canvas.width, height: canvas.height, colors: colors.size, visible };
  });
  // Shapes of visible SVGs of chart size (icons do not count).
  const svgShapes = Array.from(document.querySelectorAll('svg'))
    .filter((svg) => { const box = svg.getBoundingClientRect(); return box.width * box.height >= 10000; })
    .reduce((count, svg) => count + svg.querySelectorAll('path, circle, rect, line, polyline').length, 0);
  return { text: (document.body ? document.body.innerText : '') + '\\n' + labels.join('\\n'), canvases, svgShapes };
})()`;

/** What a webview frame shows: its text (with aria-labels) and, per canvas, how many colors it has. */
export async function readWebview(frame: Frame): Promise<WebviewContent> {
  return (await frame.evaluate(readWebviewScript)) as WebviewContent;
}

/** Polls until some webview frame satisfies `accept`, returning it with its content. */
export async function waitForWebview(page: Page, accept: (content: WebviewContent) => boolean, timeoutMs: number): Promise<{ frame: Frame; content: WebviewContent }> {
  const deadline = Date.now() + timeoutMs;
  let last: WebviewContent[] = [];
  while (Date.now() < deadline) {
    last = [];
    for (const frame of webviewContentFrames(page)) {
      const content = await readWebview(frame).catch(() => undefined);
      if (!content) continue;
      last.push(content);
      if (accept(content)) return { frame, content };
    }
    await page.waitForTimeout(1_000);
  }
  const seen = last.map((content) => `text ${JSON.stringify(content.text.slice(0, 200))}, canvases ${JSON.stringify(content.canvases)}, svg shapes ${content.svgShapes}`);
  throw new Error(`no webview showed the expected content within ${timeoutMs} ms; webviews seen:\n  ${seen.join('\n  ') || '(none)'}`);
}

/** The run folders under <workspace>/.landscape-lens/runs, oldest first. */
export function runFolders(workspace: string): string[] {
  const runs = join(workspace, '.landscape-lens/runs');
  if (!existsSync(runs)) return [];
  return readdirSync(runs)
    .map((name) => join(runs, name))
    .filter((path) => statSync(path).isDirectory())
    .sort();
}

/** Polls until a run folder not in `before` holds a results.json, and returns that folder. */
export async function waitForNewResults(page: Page, workspace: string, before: string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const fresh = runFolders(workspace).filter((folder) => !before.includes(folder) && existsSync(join(folder, 'results.json')));
    if (fresh.length > 0) return fresh[fresh.length - 1];
    await page.waitForTimeout(1_000);
  }
  throw new Error(`no new .landscape-lens/runs/<time>-<name>/results.json in ${workspace} within ${timeoutMs} ms (folders: ${runFolders(workspace).join(', ') || 'none'})`);
}

/** The rows of the Problems panel (opened with its command). */
export async function problemRows(page: Page): Promise<string[]> {
  await runPaletteCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => undefined);
  return rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? element.textContent ?? ''));
}
