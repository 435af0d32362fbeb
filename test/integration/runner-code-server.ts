// Runs an extension-host test suite (a module exporting run(): Promise<void>) inside code-server's
// real Node extension host, through the workbench's payload URL, the way VS Code's own
// test/integration/browser does. Exit code: the suite's (0 = passed).
//
//   node --import tsx test/integration/runner-code-server.ts
//     [--extension DIR]     extension under development (default: the repository)
//     [--tests FILE]        compiled suite index (default: dist/test/integration/suite/index.js)
//     [--workspace DIR]     folder to open, copied first (default: examples/)
//     [--timeout MS]        whole-suite bound (default 900000)
//     [--no-build]          skip `node scripts/build.mjs` and the suite compile
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { copyWorkspace, createProfile, removeWorkspace, launchBrowser, repoRoot, screenshot, startCodeServer } from '../e2e/harness';

const offlineNoise = /getaddrinfo (ENOTFOUND|EAI_AGAIN)|open-vsx\.org|marketplace\.visualstudio\.com/;

export interface SuiteRun {
  exitCode: number;
  log: string[];
}

export interface SuiteOptions {
  extensionPath: string;
  testsPath: string;
  workspace: string;
  /** Folders next to the workspace copied along with it (e.g. schemas/ for "../schemas/..."). */
  workspaceSiblings?: string[];
  timeoutMs: number;
}

/** Opens the workbench with the test payload and resolves with the code passed to codeAutomationExit. */
export async function runSuiteInCodeServer(options: SuiteOptions): Promise<SuiteRun> {
  for (const [what, path] of [['extension', options.extensionPath], ['tests', options.testsPath], ['workspace', options.workspace]]) {
    if (!existsSync(path)) throw new Error(`${what} path does not exist: ${path}`);
  }
  const profile = createProfile();
  const workspace = copyWorkspace(options.workspace, options.workspaceSiblings);
  const log: string[] = [];
  const server = await startCodeServer(profile, workspace);
  const browser = await launchBrowser().catch(async (error) => {
    await server.stop();
    throw error;
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolveExit) => (reportExit = resolveExit));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = `[${type}] ${(Array.isArray(args) ? args : [args]).map(String).join(' ')}`;
      log.push(line);
      // The workbench's extension-gallery look-ups fail harmlessly offline; keep them out of sight.
      if (!offlineNoise.test(line)) process.stdout.write(`${line}\n`);
    });
    page.on('pageerror', (error) => log.push(`[pageerror] ${error.message}`));
    const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${resolve(path)}`;
    const payload = [
      ['extensionDevelopmentPath', remote(options.extensionPath)],
      ['extensionTestsPath', remote(options.testsPath)],
      ['skipWelcome', 'true'],
    ];
    const url = `${server.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<number>((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout(-1), options.timeoutMs);
    });
    let finished = false;
    const serverDied = server.exited.then((how) => {
      if (!finished) log.push(`[runner] code-server exited (${how}) before the suite finished`);
      return 1;
    });
    const pageCrashed = new Promise<number>((resolveCrash) => page.once('crash', () => {
      if (!finished) log.push('[runner] the workbench page crashed');
      resolveCrash(1);
    }));
    const exitCode = await Promise.race([exited, timedOut, serverDied, pageCrashed]);
    finished = true;
    clearTimeout(timer);
    if (exitCode !== 0 && !page.isClosed()) {
      const shot = await screenshot(page, exitCode === -1 ? 'integration-timeout' : 'integration-failed').catch(() => '');
      log.push(exitCode === -1 ? `[runner] the suite did not finish within ${options.timeoutMs} ms` : `[runner] the suite exited with code ${exitCode}`);
      if (shot) log.push(`[runner] screenshot: ${shot}`);
      log.push(`[runner] code-server output (last 40 lines):\n${server.output().split('\n').slice(-40).join('\n')}`);
    }
    return { exitCode: exitCode === -1 ? 124 : exitCode, log };
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    profile.dispose();
    removeWorkspace(workspace);
  }
}

function runStep(name: string, command: string, args: string[]): void {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`step '${name}' failed (${command} ${args.join(' ')}: exit ${result.status ?? result.signal})`);
  console.log(`[integration] ${name}: ${Date.now() - started} ms`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string', default: repoRoot },
      tests: { type: 'string', default: join(repoRoot, 'dist/test/integration/suite/index.js') },
      workspace: { type: 'string', default: join(repoRoot, 'examples') },
      timeout: { type: 'string', default: '900000' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  if (!values['no-build']) {
    runStep('build the extension', process.execPath, ['scripts/build.mjs']);
    runStep('compile the suite', process.execPath, ['scripts/e2e-build-tests.mjs']);
  }
  const started = Date.now();
  const { exitCode, log } = await runSuiteInCodeServer({
    extensionPath: resolve(values.extension),
    testsPath: resolve(values.tests),
    workspace: resolve(values.workspace),
    workspaceSiblings: resolve(values.workspace) === join(repoRoot, 'examples') ? ['schemas'] : [],
    timeoutMs: Number(values.timeout),
  });
  const tail = log.filter((line) => line.startsWith('[runner]'));
  if (tail.length > 0) console.log(tail.join('\n'));
  console.log(`[integration] suite in code-server: exit ${exitCode} after ${Date.now() - started} ms`);
  process.exitCode = exitCode;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`[integration] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
