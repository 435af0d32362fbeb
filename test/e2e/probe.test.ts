// Self-test of the end-to-end harness with a tiny probe extension: package it, install the .vsix
// into code-server, run its palette command, and read its webview through the nested iframes.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { copyWorkspace, createProfile, installExtension, launchBrowser, removeWorkspace, repoRoot, screenshot, startCodeServer, waitForWorkbench, type CodeServer, type Profile } from './harness';
import { runPaletteCommand, waitForWebview } from './workbench';

const probeDir = join(repoRoot, 'test/e2e/fixtures/probe-extension');

describe('e2e harness (probe extension)', { timeout: 180_000 }, () => {
  let profile: Profile;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const packageDir = mkdtempSync(join(tmpdir(), 'landscape-lens-probe-'));

  before(async () => {
    const vsix = join(packageDir, 'probe.vsix');
    execFileSync(join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: probeDir, stdio: 'pipe' });
    profile = createProfile();
    await installExtension(profile, vsix);
    workspace = copyWorkspace(probeDir);
    server = await startCodeServer(profile, workspace);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    profile?.dispose();
    if (workspace) removeWorkspace(workspace);
    rmSync(packageDir, { recursive: true, force: true });
  });

  test('the installed .vsix lands in the extensions folder', () => {
    const installed = readdirSync(profile.extensionsDir).filter((name) => name.startsWith('landscape-lens-tests.probe-'));
    assert.equal(installed.length, 1, `installed: ${readdirSync(profile.extensionsDir).join(', ')}`);
  });

  test('a palette command opens a webview whose script runs', async () => {
    await runPaletteCommand(page, 'Probe: Round Trip');
    const { content } = await waitForWebview(page, (shown) => shown.text.includes('Probe webview'), 30_000);
    assert.match(content.text, /Probe webview/);
    await screenshot(page, 'probe-webview');
  });
});
