// `npm start`: builds, runs the default experiment (examples/saddle-race.landscape.json) through
// the CLI and prints where its results are, then opens the extension under development with
// examples/ as the workspace (the run shows in the side view's history): in desktop VS Code
// (`code --extensionDevelopmentPath`) when `code` is on the PATH, otherwise in code-server on
// 127.0.0.1 (installed offline by scripts/code-server.sh), printing the URL.
//
//   node scripts/start.mjs [--no-open] [--code-server] [--port N]
//     --no-open       stop after the default experiment (no editor)
//     --code-server   use code-server even when `code` is on the PATH
//     --port N        code-server's port (default: LANDSCAPE_LENS_PORT, else a free one)
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const examples = join(repoRoot, 'examples');
const { values } = parseArgs({ options: { 'no-open': { type: 'boolean', default: false }, 'code-server': { type: 'boolean', default: false }, port: { type: 'string' } } });

function fail(message) {
  console.error(`[start] ${message}`);
  process.exit(1);
}

function onPath(command) {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(folder, command), constants.X_OK);
      return join(folder, command);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) fail('the build failed (node scripts/build.mjs); fix the errors above and run npm start again.');

const defaultExperiment = join(examples, 'saddle-race.landscape.json');
console.log(`[start] running the default experiment: ${defaultExperiment}`);
const run = spawnSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'run', defaultExperiment, '--quiet'], { cwd: repoRoot, stdio: 'inherit' });
if (run.status !== 0) fail(`the default experiment did not finish (exit ${run.status ?? run.signal}); see above.`);
if (values['no-open']) process.exit(0);

const code = values['code-server'] ? undefined : onPath('code');
if (code) {
  console.log(`[start] opening ${examples} in VS Code with the extension from ${repoRoot}`);
  const result = spawnSync(code, [`--extensionDevelopmentPath=${repoRoot}`, examples], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const install = spawnSync('bash', [join(repoRoot, 'scripts/code-server.sh')], { cwd: repoRoot, stdio: 'inherit' });
if (install.status !== 0) fail('code-server could not be installed (see above).');

// A profile kept between runs, without the workspace-trust prompt or the welcome page.
const profile = join(repoRoot, '.cache/start-profile');
const settings = join(profile, 'user-data/User/settings.json');
if (!existsSync(settings)) {
  mkdirSync(dirname(settings), { recursive: true });
  mkdirSync(join(profile, 'extensions'), { recursive: true });
  writeFileSync(settings, JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' }, null, 2));
}

const port = Number(values.port ?? process.env.LANDSCAPE_LENS_PORT ?? (await freePort()));
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`--port must be a TCP port number, not "${values.port ?? process.env.LANDSCAPE_LENS_PORT}".`);
const entry = join(repoRoot, '.cache/code-server/node_modules/code-server/out/node/entry.js');
const server = spawn(process.execPath, [
  entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
  '--user-data-dir', join(profile, 'user-data'), '--extensions-dir', join(profile, 'extensions'),
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', examples,
], { stdio: ['ignore', 'pipe', 'pipe'] });

// The workbench loads the extension under development from the payload, as VS Code's own web tests do.
const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`], ['skipWelcome', 'true']];
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
let announced = false;
const relay = (stream, target) => stream.on('data', (chunk) => {
  target.write(chunk);
  if (!announced && chunk.toString().includes('HTTP server listening')) {
    announced = true;
    console.log(`\n[start] Landscape Lens (development build) in code-server, examples/ open:\n\n  ${url}\n\n[start] Ctrl+C stops the server. After a rebuild (npm run build), reload the browser tab.\n`);
  }
});
relay(server.stdout, process.stdout);
relay(server.stderr, process.stderr);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill('SIGTERM'));
server.on('exit', (status, signal) => {
  if (!announced) fail(`code-server exited (${status ?? signal}) before serving; see its output above.`);
  process.exit(status ?? 0);
});
