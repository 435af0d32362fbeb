// Starts code-server (VS Code's workbench and Node extension host, installed offline by
// scripts/code-server.sh) and Debian's headless Chromium through playwright-core, with fresh
// profiles, and always cleans both up.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '../..');
export const artifactsDir = join(repoRoot, 'test-artifacts');

const codeServerDir = process.env.CODE_SERVER_DIR ?? join(repoRoot, '.cache/code-server');
export const codeServerEntry = join(codeServerDir, 'node_modules/code-server/out/node/entry.js');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** User settings of every test profile: no trust dialog, no welcome page, nothing online. */
const testUserSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'npm.autoDetect': 'off',
};

export interface Profile {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  dispose(): void;
}

/** A fresh user-data and extensions folder pair under the system temp folder. */
export function createProfile(): Profile {
  const root = mkdtempSync(join(tmpdir(), 'landscape-lens-vscode-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify(testUserSettings, null, 2));
  return { root, userDataDir, extensionsDir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * A throw-away copy of a folder (the tests write results into their workspace), with the named
 * sibling folders copied next to it so relative references such as "../schemas/..." still resolve.
 */
export function copyWorkspace(source: string, siblings: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'landscape-lens-workspace-'));
  const target = join(root, basename(source));
  cpSync(source, target, { recursive: true });
  for (const sibling of siblings) cpSync(join(dirname(source), sibling), join(root, sibling), { recursive: true });
  return target;
}

/** Removes a folder made by copyWorkspace, with its siblings. */
export function removeWorkspace(workspace: string): void {
  rmSync(dirname(workspace), { recursive: true, force: true });
}

function requireCodeServer(): void {
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed at ${codeServerEntry}. Run: bash scripts/code-server.sh`);
  }
}

/** Installs a .vsix into the profile with code-server's own CLI. */
export async function installExtension(profile: Profile, vsixPath: string): Promise<string> {
  requireCodeServer();
  const args = [codeServerEntry, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--install-extension', vsixPath];
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`code-server --install-extension ${vsixPath} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolvePromise(stdout);
    });
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export interface CodeServer {
  readonly port: number;
  readonly origin: string;
  /** The workbench URL with `folder` opened. */
  readonly url: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Resolves with the exit code (or signal) when the server process ends. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

const liveProcessGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveProcessGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Starts code-server on a free 127.0.0.1 port and resolves once it answers HTTP. */
export async function startCodeServer(profile: Profile, folder: string, timeoutMs = 60_000): Promise<CodeServer> {
  requireCodeServer();
  const port = await freePort();
  const args = [
    codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    folder,
  ];
  // Own process group, so that stop() also ends the extension host and its workers.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '' } });
  if (child.pid) liveProcessGroups.add(child.pid);
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const origin = `http://127.0.0.1:${port}`;
  const server: CodeServer = {
    port,
    origin,
    url: `${origin}/?folder=${encodeURIComponent(folder)}`,
    output: () => log,
    exited: new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(String(code ?? signal)))),
    stop: () => stopProcessGroup(child),
  };
  try {
    await waitForHttp(`${origin}/healthz`, child, timeoutMs, () => log);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before serving:\n${log()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms:\n${log()}`);
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (!pid || child.exitCode !== null || child.signalCode !== null) {
    if (pid) liveProcessGroups.delete(pid);
    return;
  }
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  signalGroup(pid, 'SIGTERM');
  const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
  if (!killed) signalGroup(pid, 'SIGKILL');
  // Extension hosts of the group may outlive the server for a moment.
  signalGroup(pid, 'SIGKILL');
  liveProcessGroups.delete(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Debian's Chromium, headless, with nothing that reaches the network on its own. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}. Install it: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Waits until the workbench has restored its parts (explorer, status bar). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.activitybar, .part.sidebar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Saves a full-page screenshot as test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
