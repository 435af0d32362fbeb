/** The page asks the host for its state until answered, and draws from the answer alone. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chartOf, fixture, hostPost, ink, openWebview, posted, webviewHarness } from './browser';

describe('state protocol', () => {
  const harness = webviewHarness();

  it('repeats its request until answered, then draws the answered state', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin);
    // No answer (as when VS Code dropped it before the page listened): the page asks again.
    await page.waitForTimeout(1_700);
    const requests = (await posted(page)).filter((message) => message.type === 'requestState');
    assert.ok(requests.length >= 3, `requests without an answer: ${requests.length}`);
    const requestId = requests.at(-1)?.requestId as number;
    const run = { id: 'saddle', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' };
    await hostPost(page, { type: 'state', requestId, history: [run], currentId: 'saddle', run, results: fixture('saddle-race'), final: true });
    const contour = await chartOf(page, 'contour');
    assert.ok((await ink(page, contour)).fraction > 0.05, 'the contour is drawn from the state answer');
    const countAfterAnswer = (await posted(page)).filter((message) => message.type === 'requestState').length;
    await page.waitForTimeout(2_500);
    assert.equal((await posted(page)).filter((message) => message.type === 'requestState').length, countAfterAnswer, 'no request after the answer');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
