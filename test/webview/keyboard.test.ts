/**
 * The panel and the side view by keyboard alone, in headless chromium. Tab from the top of the
 * page reaches every control that takes focus, in the page's order, each with an accessible name
 * (Chromium's own accessibility tree) and VS Code's focus ring (a 1px solid outline in
 * --vscode-focusBorder, on the control or inside its shadow root), in the dark and light themes;
 * then each kind of control is worked with its keys (Enter, Space, arrows, Escape) and its effect
 * checked. Focus is measured, so host messages go without the chart check (it clicks the tabs).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CDPSession, Page } from 'playwright-core';
import { fixture, hostPost, lens, openWebview, posted, until, webviewHarness } from './browser';
import { configs } from './fixture-configs';

const history = [
  { id: '20260101-000000-spirals', name: 'spirals sgd', status: 'completed', startedAt: '2026-01-01T00:00:00Z' },
  { id: '20260101-000100-adam', name: 'spirals adam', status: 'completed', startedAt: '2026-01-01T00:01:00Z' },
];
const [first, second] = history as [(typeof history)[number], (typeof history)[number]];

function comparedRun(name: string, summary: (typeof history)[number]): unknown {
  return { summary, results: fixture(name), config: configs[name] };
}

/** What has focus after a key: the control (the page's element, a shadow host for the toolkit's elements) and what Chromium makes of it. */
interface Focused {
  /** The control's place among the page's focusable controls (data-keyboard-index), or -1 for the page itself. */
  index: number;
  description: string;
  role: string;
  name: string;
  /** The focus ring, if the control or its shadow root draws one in --vscode-focusBorder. */
  ring: string;
}

/**
 * Numbers the controls Tab should reach, in document order: every shown, enabled element that
 * takes focus by Tab (tabIndex ≥ 0, or a shadow root that passes focus on, as vscode-checkbox's
 * does), the toolkit's elements as one control each. Returns how many.
 */
async function numberControls(page: Page): Promise<number> {
  return page.evaluate(`(() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex], vscode-button, vscode-checkbox, vscode-tab-header';
    const controls = Array.from(document.querySelectorAll(selector)).filter((element) =>
      (element.tabIndex >= 0 || (element.shadowRoot && element.shadowRoot.delegatesFocus)) && !element.hasAttribute('disabled') && !element.disabled && element.checkVisibility({ checkVisibilityCSS: true }) && !element.closest('[inert]'));
    document.querySelectorAll('[data-keyboard-index]').forEach((element) => element.removeAttribute('data-keyboard-index'));
    controls.forEach((element, index) => element.setAttribute('data-keyboard-index', String(index)));
    return controls.length;
  })()`);
}

/** The deepest focused element (through shadow roots), as an object handle for the accessibility tree. */
const DEEP_FOCUS = '(() => { let element = document.activeElement; while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement; return element; })()';

/** The focused control, its role and name from Chromium's accessibility tree, and its focus ring. */
async function focused(page: Page, cdp: CDPSession): Promise<Focused> {
  const { result } = await cdp.send('Runtime.evaluate', { expression: DEEP_FOCUS });
  const { node } = await cdp.send('DOM.describeNode', { objectId: result.objectId });
  const tree = await cdp.send('Accessibility.getPartialAXTree', { backendNodeId: node.backendNodeId, fetchRelatives: false });
  const accessible = tree.nodes.find((entry) => !entry.ignored) ?? tree.nodes[0];
  const page_ = await page.evaluate<{ index: number; description: string; ring: string }>(`(() => {
    const top = document.activeElement;
    const deep = ${DEEP_FOCUS};
    const probe = document.createElement('span');
    probe.style.color = 'var(--vscode-focusBorder)';
    document.body.append(probe);
    const focusColour = getComputedStyle(probe).color;
    probe.remove();
    const candidates = [deep, top, ...(top && top.shadowRoot ? Array.from(top.shadowRoot.querySelectorAll('*')) : [])];
    const ringed = candidates.find((element) => {
      if (!element) return false;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      const outlined = style.outlineStyle === 'solid' && parseFloat(style.outlineWidth) >= 1 && style.outlineColor === focusColour;
      return box.width > 0 && box.height > 0 && (outlined || style.boxShadow.includes(focusColour));
    });
    const index = top && top.dataset ? Number(top.dataset.keyboardIndex ?? -1) : -1;
    const description = top ? top.tagName.toLowerCase() + (top.id ? '#' + top.id : '') + ' "' + (top.textContent || '').trim().slice(0, 40) + '"' : 'nothing';
    return { index, description, ring: ringed ? getComputedStyle(ringed).outline : '' };
  })()`);
  return { ...page_, role: String(accessible?.role?.value ?? ''), name: String(accessible?.name?.value ?? '').trim() };
}

/**
 * Tabs from the top of the page until focus leaves it (or comes round again), listing each stop;
 * asserts that the stops are exactly the numbered controls in document order, each named and
 * ringed.
 */
async function tabThrough(page: Page, what: string): Promise<Focused[]> {
  const count = await numberControls(page);
  const cdp = await page.context().newCDPSession(page);
  // A click at the page's top-left corner: the next Tab starts from the top.
  await page.mouse.click(1, 1);
  const stops: Focused[] = [];
  for (let step = 0; step <= count + 2; step++) {
    await page.keyboard.press('Tab');
    const stop = await focused(page, cdp);
    if (stop.index < 0 && stop.description.startsWith('body')) break;
    if (stops.length > 0 && stop.index === stops[0]?.index) break;
    stops.push(stop);
  }
  await cdp.detach();
  const list = stops.map((stop) => `${stop.index} ${stop.description} ${stop.role} "${stop.name}" ring: ${stop.ring || 'none'}`).join('\n');
  assert.deepEqual(
    stops.map((stop) => stop.index),
    Array.from({ length: count }, (_, index) => index),
    `${what}: Tab reaches every control in document order, once each; it reached:\n${list}`,
  );
  const unnamed = stops.filter((stop) => stop.name === '');
  assert.deepEqual(unnamed.map((stop) => stop.description), [], `${what}: every control has an accessible name:\n${list}`);
  const unringed = stops.filter((stop) => stop.ring === '');
  assert.deepEqual(unringed.map((stop) => stop.description), [], `${what}: every control shows VS Code's focus ring when focused:\n${list}`);
  return stops;
}

/** Tabs (or Shift+Tabs) until the focused control matches `selector` (the page's element, not a shadow part). */
async function tabTo(page: Page, selector: string, backwards = false): Promise<void> {
  for (let step = 0; step < 80; step++) {
    if (await page.evaluate(`document.activeElement !== null && document.activeElement.matches(${JSON.stringify(selector)})`)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function activeMatches(page: Page, selector: string): Promise<boolean> {
  return page.evaluate(`document.activeElement !== null && document.activeElement.matches(${JSON.stringify(selector)})`);
}

async function lastPosted(page: Page, type: string): Promise<{ type: string; [key: string]: unknown } | undefined> {
  return (await posted(page)).filter((message) => message.type === type).at(-1);
}

async function countPosted(page: Page, type: string): Promise<number> {
  return (await posted(page)).filter((message) => message.type === type).length;
}

async function viewState(page: Page): Promise<{ tab?: string; ticked: string[]; logLevels?: boolean; step?: number }> {
  return (await lens(page, 'state')) as { tab?: string; ticked: string[]; logLevels?: boolean; step?: number };
}

describe('the panel and the side view by keyboard', () => {
  const harness = webviewHarness();

  async function load(results: string, options: { view?: 'panel' | 'side'; comparison?: boolean; theme?: string } = {}): Promise<Page> {
    const { page } = await openWebview(harness.browser, harness.origin, 1300, 1000, options.view ?? 'panel');
    if (options.theme) await lens(page, 'setTheme', options.theme);
    const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId as number;
    const comparison = options.comparison ? [comparedRun('training-spirals', first), comparedRun('training-spirals-adam', second)] : undefined;
    await hostPost(page, { type: 'state', requestId, history, currentId: first.id, run: first, results: fixture(results), final: true, smoothing: 0.6, ...(comparison ? { comparison } : {}) }, { check: false });
    await page.waitForTimeout(500);
    return page;
  }

  async function openRunList(page: Page): Promise<void> {
    if (!(await page.locator('#history').evaluate((details) => (details as unknown as { open: boolean }).open))) await page.locator('#history > summary').click();
  }

  for (const theme of ['dark', 'light']) {
    it(`${theme} theme: Tab reaches every control of every tab of a run, named and with the focus ring`, async () => {
      const page = await load('training-spirals', { theme });
      await openRunList(page);
      const titles = (await page.locator('vscode-tab-header').allTextContents()).map((title) => title.trim());
      assert.deepEqual(titles, ['Training', 'Hessian']);
      for (const [index, title] of titles.entries()) {
        await page.locator('vscode-tab-header').nth(index).click();
        await page.waitForTimeout(300);
        const stops = await tabThrough(page, `${theme}, ${title} tab`);
        // The page's order: the run list, then the tab, then the charts' header buttons.
        const roles = stops.map((stop) => stop.role);
        assert.ok(roles.indexOf('tab') > roles.indexOf('link') && roles.lastIndexOf('button') > roles.indexOf('tab'), roles.join(' '));
        assert.ok(stops.some((stop) => stop.role === 'button' && stop.name.startsWith('CSV ') && stop.name.length > 'CSV '.length), 'export buttons are named with their chart');
      }
      await page.close();
    });

    it(`${theme} theme: the surface race's replay toolbar and start fields, and a comparison, are reached too`, async () => {
      const page = await load('himmelblau', { theme });
      const stops = await tabThrough(page, `${theme}, surface race`);
      for (const name of ['Play the replay', 'Replay step', 'log levels', 'Reset zoom', 'Start point x', 'Start point y', 'Restart here']) {
        assert.ok(stops.some((stop) => stop.name === name), `${name} is reached:\n${stops.map((stop) => stop.name).join('\n')}`);
      }
      await page.close();
      const compared = await load('training-spirals', { theme, comparison: true });
      for (const title of ['Runs', 'Training', 'Hessian']) {
        await compared.locator('vscode-tab-header', { hasText: title }).click();
        await compared.waitForTimeout(300);
        const comparisonStops = await tabThrough(compared, `${theme}, comparison, ${title} tab`);
        assert.ok(comparisonStops[0]?.description.startsWith('vscode-button#end-comparison'), 'the way back to one run comes first');
        if (title === 'Training') assert.ok(comparisonStops.some((stop) => stop.role === 'slider' && /smoothing/i.test(stop.name)));
      }
      await compared.close();
    });

    it(`${theme} theme: the side view's controls are reached, named and with the focus ring`, async () => {
      const page = await load('training-spirals', { view: 'side', theme });
      const stops = await tabThrough(page, `${theme}, side view`);
      assert.ok(stops.some((stop) => stop.name === 'Open in panel'));
      assert.ok(stops.some((stop) => stop.role === 'link' && stop.name === first.name));
      await page.close();
    });
  }

  it('the run list: Enter opens a run, Space ticks it (focus stays), Enter compares, and a run menu opens, acts and closes with Escape', async () => {
    const page = await load('training-spirals');
    await openRunList(page);
    await tabTo(page, `li[data-run="${second.id}"] a.run-link`);
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page, 'openRun'), { type: 'openRun', id: second.id });

    await tabTo(page, `li[data-run="${first.id}"] input[type="checkbox"]`, true);
    await page.keyboard.press('Space');
    assert.ok(await activeMatches(page, `li[data-run="${first.id}"] input[type="checkbox"]`), 'focus stays on the ticked box');
    assert.deepEqual((await viewState(page)).ticked, [first.id]);
    await tabTo(page, `li[data-run="${second.id}"] input[type="checkbox"]`);
    await page.keyboard.press('Space');
    assert.deepEqual((await viewState(page)).ticked, [first.id, second.id]);
    await tabTo(page, '#compare-ticked', true);
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page, 'compareRuns'), { type: 'compareRuns', ids: [first.id, second.id] });

    const menu = `li[data-run="${first.id}"] .run-menu`;
    await tabTo(page, `${menu} > summary`);
    await page.keyboard.press('Enter');
    assert.ok(await page.locator(menu).evaluate((details) => (details as unknown as { open: boolean }).open), 'Enter opens the menu');
    await page.keyboard.press('Tab');
    assert.ok(await activeMatches(page, `${menu} vscode-button[data-action="compare-with"]`), 'Tab goes into the open menu');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator(menu).evaluate((details) => (details as unknown as { open: boolean }).open), false, 'Escape closes the menu');
    assert.ok(await activeMatches(page, `${menu} > summary`), 'Escape gives focus back to the menu button');
    await page.keyboard.press('Space');
    await tabTo(page, `${menu} vscode-button[data-action="rename"]`);
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page, 'renameRun'), { type: 'renameRun', id: first.id });
    assert.ok(await activeMatches(page, `${menu} > summary`), 'after an entry acts, focus is back on the menu button, not lost with the closed menu');
    await page.close();
  });

  it('tabs: arrows move between the tab headers, Enter and Space show the tab', async () => {
    const page = await load('training-spirals');
    await tabTo(page, 'vscode-tab-header[active]');
    await page.keyboard.press('ArrowRight');
    assert.ok(await activeMatches(page, 'vscode-tab-header[data-page="hessian"]'), 'ArrowRight moves to the next tab');
    await page.keyboard.press('Space');
    await until(async () => (await viewState(page)).tab === 'hessian', 2000, 'Space to show the Hessian tab');
    assert.equal(await page.locator('vscode-tab-header[data-page="hessian"]').getAttribute('aria-selected'), 'true');
    assert.ok(await page.locator('section.card[data-chart="spectrum"], vscode-tab-panel[data-page="hessian"] section.card').first().isVisible());
    await page.keyboard.press('ArrowLeft');
    assert.ok(await activeMatches(page, 'vscode-tab-header[data-page="training"]'), 'ArrowLeft moves back');
    await page.keyboard.press('Enter');
    await until(async () => (await viewState(page)).tab === 'training', 2000, 'Enter to show the Training tab');
    await page.close();
  });

  it('a chart: Enter and Space on its export buttons post the export', async () => {
    const page = await load('training-spirals');
    await tabTo(page, 'section.card[data-chart="training"] vscode-button[data-export="csv"]');
    const before = await countPosted(page, 'saveFile');
    await page.keyboard.press('Enter');
    await until(async () => (await countPosted(page, 'saveFile')) === before + 1, 2000, 'the CSV export');
    assert.match(String((await lastPosted(page, 'saveFile'))?.fileName), /\.csv$/);
    await tabTo(page, 'section.card[data-chart="training"] vscode-button[data-export="png"]', true);
    await page.keyboard.press('Space');
    await until(async () => (await countPosted(page, 'saveFile')) === before + 2, 2000, 'the PNG export');
    assert.match(String((await lastPosted(page, 'saveFile'))?.fileName), /\.png$/);
    await page.close();
  });

  it('the replay toolbar: arrows and Home scrub, Enter plays and pauses, Space switches log levels', async () => {
    const page = await load('himmelblau');
    await tabTo(page, '#replay-step');
    await page.keyboard.press('Home');
    assert.equal((await page.locator('.step-label').textContent())?.trim(), 'step 0 / 120');
    await page.keyboard.press('ArrowRight');
    assert.equal((await page.locator('.step-label').textContent())?.trim(), 'step 1 / 120');
    assert.equal(await page.locator('#replay-step').getAttribute('aria-valuetext'), 'step 1 of 120');
    assert.equal((await viewState(page)).step, 1);
    await tabTo(page, '#replay-play', true);
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#replay-play').getAttribute('aria-label'), 'Pause the replay');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#replay-play').getAttribute('aria-label'), 'Play the replay');
    await tabTo(page, '#log-levels');
    const logLevels = (await viewState(page)).logLevels;
    await page.keyboard.press('Space');
    assert.equal((await viewState(page)).logLevels, !(logLevels ?? false));
    await page.close();
  });

  it('the contour by keyboard: the start fields hold the race start, and Enter restarts the race from the typed point (a field without a number is named, nothing sent)', async () => {
    const page = await load('himmelblau');
    assert.equal(await page.locator('#start-x').inputValue(), '-0.5');
    assert.equal(await page.locator('#start-y').inputValue(), '0.5');
    await tabTo(page, '#start-x');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('1.5');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('-2');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page, 'setStart'), { type: 'setStart', start: [1.5, -2] });
    // The pin of the new start shows on the contour, as after a click.
    await until(async () => (await page.locator('#start-x').inputValue()) === '1.5', 2000, 'the fields to hold the new start');

    await page.locator('#start-x').fill('');
    await page.locator('#start-y').focus();
    const sent = await countPosted(page, 'setStart');
    await page.keyboard.press('Enter');
    assert.equal(await countPosted(page, 'setStart'), sent, 'nothing is sent without a number');
    assert.match((await page.locator('#start-error').textContent()) ?? '', /Start point x: enter a number/);
    assert.ok(await page.locator('#start-error').isVisible());
    assert.ok(await activeMatches(page, '#start-x'), 'focus goes to the field to mend');
    assert.equal(await page.locator('#start-x').getAttribute('aria-invalid'), 'true');
    await page.keyboard.type('0.25');
    await tabTo(page, '#start-restart');
    await page.keyboard.press('Space');
    assert.deepEqual(await lastPosted(page, 'setStart'), { type: 'setStart', start: [0.25, -2] });
    assert.equal(await page.locator('#start-error').isVisible(), false);
    await page.close();
  });

  it('a comparison: arrows move the smoothing slider (the host hears the weight), Enter ends the comparison', async () => {
    const page = await load('training-spirals', { comparison: true });
    await page.locator('vscode-tab-header', { hasText: 'Training' }).click();
    await tabTo(page, '#smoothing');
    await page.keyboard.press('ArrowRight');
    assert.equal((await page.locator('.smoothing output').textContent())?.trim(), '0.61');
    await until(async () => (await lastPosted(page, 'setSmoothing'))?.smoothing === 0.61, 2000, 'the host to hear the smoothing');
    await tabTo(page, '#end-comparison', true);
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page, 'compareRuns'), { type: 'compareRuns', ids: [] });
    await page.close();
  });

  it('the side view: Enter on a run opens it in the panel, and on "Open in panel" shows the run there', async () => {
    const page = await load('training-spirals', { view: 'side' });
    await tabTo(page, `li[data-run="${second.id}"] a.run-link`);
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page, 'openRun'), { type: 'openRun', id: second.id, inPanel: true });
    await tabTo(page, '#open-in-panel');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page, 'openRun'), { type: 'openRun', id: first.id, inPanel: true });
    await page.close();
  });
});
