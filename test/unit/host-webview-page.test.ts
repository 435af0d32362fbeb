import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { commandLink, escapeHtml, formatNumber, historyHtml, resultsHtml } from '../../src/host/webview/pure/plain-view-html';
import { contentSecurityPolicy, createNonce, shellHtml } from '../../src/host/webview/pure/page-html';
import type { ExperimentResults } from '../../src/shared/results';

const results: ExperimentResults = {
  format: 1,
  name: '<script>alert(1)</script>',
  seed: 0,
  createdAt: '2026-11-28T00:00:00Z',
  surface: { name: 'saddle', formula: 'x^2 - y^2', domain: [[-2, 2], [-2, 2]], grid: { xs: [-2, 0, 2], ys: [-2, 0, 2], values: [0, -4, 0, 4, 0, 4, 0, -4, 0] } },
  trajectories: [{ label: 'Newton', optimizer: 'newton', parameters: {}, points: [[1, 0.001], [0, 0]], values: [0.999999, 0], gradientNorms: [2, 0], learningRates: [1, 1], status: 'converged', steps: 1 }],
  criticalPoints: [{ point: [0, 0], value: 0, eigenvalues: [-2, 2], kind: 'saddle', index: 1 }],
  timings: { trajectories: 0.0123 },
  warnings: ['SGD: diverged at step 37'],
};

test('the page has a strict CSP: nonce-only scripts, no eval, nothing remote', () => {
  const nonce = createNonce();
  assert.match(nonce, /^[A-Za-z0-9+/]{32}$/);
  assert.notEqual(createNonce(), nonce);
  const policy = contentSecurityPolicy('https://webview.example', nonce);
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, new RegExp(`script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
  assert.doesNotMatch(policy, /unsafe-(eval|inline)|https?:\/\/(?!webview\.example)/);
  const html = shellHtml({ cspSource: 'https://webview.example', scriptUri: 'https://webview.example/dist/webview.js', styleUri: 'https://webview.example/media/webview.css', view: 'side', title: 'T', plainHtml: '<p>plain</p>', headerHtml: '<ul>race</ul>', nonce });
  assert.equal(html.match(/<script /g)?.length, 1);
  assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}" src="https://webview.example/dist/webview.js">`));
  assert.match(html, /<body data-view="side">\n<section id="quick-race">\n<ul>race<\/ul>\n<\/section>\n<div id="app"><\/div>\n<section id="plain-results">/, 'the bundle\'s root is empty, so the plain view shows until it draws');
  assert.match(html, /#app:not\(:empty\) ~ #plain-results \{ display: none; \}/);
});

test('results render as escaped tables of every kind', () => {
  const html = resultsHtml(results, { id: 'r', name: 'r', status: 'failed', reason: 'worker <crashed>', startedAt: '' });
  assert.ok(!html.includes('<script>'), 'names are escaped');
  assert.match(html, /&#60;script&#62;/);
  assert.match(html, /failed: worker &#60;crashed&#62;/);
  assert.match(html, /<td>x\^2 - y\^2<\/td>.*<td>3 × 3<\/td><td>-4<\/td><td>4<\/td>/);
  assert.match(html, /<td>Newton<\/td><td>converged<\/td><td>1<\/td><td>\(1, 0\.001\)<\/td><td>\(0, 0\)<\/td><td>0<\/td><td>0<\/td>/);
  assert.match(html, /<td>saddle<\/td><td>1<\/td><td>\(0, 0\)<\/td><td>0<\/td><td>-2, 2<\/td>/);
  assert.match(html, /<li>SGD: diverged at step 37<\/li>/);
  assert.match(html, /trajectories 0\.0123 s/);
});

test('sections the plain view does not know still show, as JSON', () => {
  const html = resultsHtml({ ...results, hessian: { eigenvalues: [-1, 3] } } as ExperimentResults);
  assert.match(html, /<h3>hessian<\/h3><pre>\{\n &#34;eigenvalues&#34;: \[\n {2}-1,\n {2}3\n \]\n\}<\/pre>/);
});

test('numbers, links and the history', () => {
  assert.equal(formatNumber(1234.5678), '1235');
  assert.equal(formatNumber(1e-7), '1.000e-7');
  assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
  assert.equal(formatNumber(undefined), '—');
  assert.equal(escapeHtml(`"'&`), '&#34;&#39;&#38;');
  assert.equal(commandLink('landscapeLens.openResults', ['a"b'], 'x'), '<a href="command:landscapeLens.openResults?%5B%22a%5C%22b%22%5D" title="x">x</a>');
  const history = historyHtml([{ id: 'run-1', name: 'one', status: 'completed', startedAt: '' }, { id: 'run-2', name: 'two', status: 'cancelled', reason: 'by you', startedAt: '' }], 'run-2');
  assert.match(history, /<li class="current"><a href="command:landscapeLens.openResults\?%5B%22run-2%22%5D"/);
  assert.match(history, /cancelled<\/span> — by you/);
  assert.equal(historyHtml([]), '<p>No runs yet.</p>');
});
