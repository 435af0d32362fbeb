/** A run folder whose run.json cannot be read, in the run list (headless chromium): named by its folder with the reason; it can be revealed, not opened or ticked. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostPost, openWebview, posted, violations, webviewHarness } from './browser';

describe('an unreadable run in the run list', () => {
  const harness = webviewHarness();

  it('shows the folder and why its run.json is unreadable, reveals it, and never opens it as a run', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1000, 800);
    const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId as number;
    const broken = '20260101-000100-broken';
    const history = [
      { id: broken, name: broken, status: 'failed', reason: 'unreadable run.json: it is not JSON (Unexpected end of JSON input)', startedAt: '', unreadable: 'it is not JSON (Unexpected end of JSON input)' },
      { id: '20260101-000000-spirals', name: 'spirals sgd', status: 'completed', startedAt: '2026-01-01T00:00:00Z' },
    ];
    await hostPost(page, { type: 'state', requestId, history, final: true, smoothing: 0.6 });
    await page.locator('#history > summary').click();
    const row = page.locator(`#history li[data-run="${broken}"]`);
    assert.equal((await row.locator('.run-unreadable').textContent())?.trim(), `${broken}: unreadable run.json: it is not JSON (Unexpected end of JSON input)`);
    assert.equal(await row.locator('a.run-link').count(), 0, 'no link opens it as a run');
    assert.ok(await row.locator('input[type="checkbox"]').isDisabled(), 'it cannot be ticked to compare');
    await row.locator('.run-text').click();
    assert.equal((await posted(page)).filter((message) => message.type === 'openRun').length, 0, 'a click does not open it');
    await row.locator('.run-menu > summary').click();
    assert.deepEqual(await row.locator('vscode-button[data-action]').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-action'))), ['reveal-folder', 'delete']);
    await row.locator('vscode-button[data-action="reveal-folder"]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'revealRun', id: broken });
    assert.equal(await page.locator('#history li a.run-link').count(), 1, 'the readable run is listed as before');
    assert.deepEqual(errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});
