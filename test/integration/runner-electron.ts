// Runs the extension-host test suite in desktop VS Code through @vscode/test-electron, for machines
// that can download VS Code (a laptop, hosted CI). Where the download is impossible (no route to
// update.code.visualstudio.com) it prints why and exits 0 as skipped; the code-server route
// (runner-code-server.ts) covers those machines.
//
//   node --import tsx test/integration/runner-electron.ts [--no-build]
//   VSCODE_EXECUTABLE=/path/to/code   use an installed VS Code instead of downloading one
// On Linux without a display, run it under xvfb-run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { copyWorkspace, createProfile, removeWorkspace, repoRoot } from '../e2e/harness';

const cachePath = join(repoRoot, '.cache/vscode-test');
const updateServer = 'https://update.code.visualstudio.com/api/releases/stable';

async function canReachUpdateServer(): Promise<string | undefined> {
  try {
    const response = await fetch(updateServer, { signal: AbortSignal.timeout(8_000) });
    return response.ok ? undefined : `${updateServer} answered HTTP ${response.status}`;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return `${updateServer} is unreachable (${cause})`;
  }
}

function cachedInstall(): boolean {
  return existsSync(cachePath) && readdirSync(cachePath).some((name) => name.startsWith('vscode-'));
}

function runStep(name: string, args: string[]): void {
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`step '${name}' failed (node ${args.join(' ')}: exit ${result.status ?? result.signal})`);
}

async function main(): Promise<number> {
  let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath && !cachedInstall()) {
    const unreachable = await canReachUpdateServer();
    if (unreachable) {
      console.log(`[electron] SKIPPED: @vscode/test-electron must download VS Code, but ${unreachable}.`);
      console.log('[electron] The same suite runs in code-server: npm run test:integration. Set VSCODE_EXECUTABLE to use an installed VS Code.');
      return 0;
    }
  }
  if (!process.argv.includes('--no-build')) {
    runStep('build the extension', ['scripts/build.mjs']);
    runStep('compile the suite', ['scripts/e2e-build-tests.mjs']);
  }
  vscodeExecutablePath ??= await downloadAndUnzipVSCode({ cachePath, version: 'stable' });
  const profile = createProfile();
  const workspace = copyWorkspace(join(repoRoot, 'examples'), ['schemas']);
  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'dist/test/integration/suite/index.js'),
      launchArgs: [workspace, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--disable-workspace-trust', '--skip-welcome', '--disable-gpu'],
    });
  } finally {
    profile.dispose();
    removeWorkspace(workspace);
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`[electron] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
