// What `npm test` needs beyond node_modules, installed where it can be: the Debian packages the
// suites use (checked with `dpkg -s`; as root on Debian or Ubuntu the missing ones are installed
// with apt-get, non-interactively; otherwise it stops at once with the exact command to run), then
// code-server (scripts/code-server.sh, once, into .cache/code-server) for the integration and
// end-to-end suites. `npm test` runs it first; `npm run setup` runs it alone. On a system without
// dpkg it names what to install and goes on: the suites then say what they miss.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Debian packages the suites need, and why. */
export const PACKAGES = [
  ['chromium', 'the webview and end-to-end tests drive it'],
  ['ripgrep', "code-server's search (its npm postinstall would download from GitHub)"],
  ['dataset-fashion-mnist', "the IDX loader's real-data test"],
  ['python3', 'the PyTorch backend; node-gyp rebuilds of code-server\'s addons'],
  ['make', "node-gyp rebuilds of code-server's addons"],
  ['g++', "node-gyp rebuilds of code-server's addons"],
  ['python3-torch', 'the PyTorch backend'],
  ['python3-numpy', 'the PyTorch backend'],
  ['python3-scipy', 'the PyTorch backend'],
  ['python3-distributed', "the PyTorch backend's Dask cluster"],
];

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };

/** The apt-get command that installs `missing`, as a user types it (`sudo` when not root). */
export function installCommand(missing, root) {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

/**
 * Checks the packages and installs the missing ones when it can. `run(command, args, env)`
 * returns { status, stdout } (spawnSync's); `uid` is the user's id; `log` prints a line.
 * Returns { ok, missing, message }: ok false means stop, with `message` saying what to run.
 */
export function setupPackages({ run, uid, log, packages = PACKAGES.map(([name]) => name) }) {
  if (run('dpkg', ['--version']).status !== 0) {
    log(`setup: no dpkg here (not Debian or Ubuntu): install the equivalents of ${packages.join(', ')} yourself; the suites name what they miss`);
    return { ok: true, missing: [] };
  }
  const installed = (name) => {
    const result = run('dpkg', ['-s', name]);
    return result.status === 0 && /^Status: install ok installed$/m.test(result.stdout ?? '');
  };
  const missing = packages.filter((name) => !installed(name));
  if (missing.length === 0) {
    log(`setup: the ${packages.length} Debian packages the tests need are installed`);
    return { ok: true, missing };
  }
  if (uid !== 0) {
    const message = `setup: missing Debian packages: ${missing.join(' ')}. Install them as root, then run npm test again:\n  ${installCommand(missing, false)}`;
    return { ok: false, missing, message };
  }
  log(`setup: installing the missing Debian packages: ${missing.join(' ')}`);
  for (const [command, args] of [['apt-get', ['update']], ['apt-get', ['install', '-y', '--no-install-recommends', ...missing]]]) {
    const result = run(command, args, APT_ENV);
    if (result.status !== 0) return { ok: false, missing, message: `setup: "${command} ${args.join(' ')}" failed (exit ${result.status ?? 'signal'}); fix it and run:\n  ${installCommand(missing, true)}` };
  }
  const still = missing.filter((name) => !installed(name));
  if (still.length > 0) return { ok: false, missing: still, message: `setup: apt-get installed, but dpkg still lacks ${still.join(' ')}: run\n  ${installCommand(still, true)}` };
  return { ok: true, missing };
}

/** spawnSync with the output passed through (apt-get) or captured (dpkg). */
function runCommand(command, args, env) {
  const capture = command === 'dpkg';
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: capture ? ['ignore', 'pipe', 'ignore'] : 'inherit', env: { ...process.env, ...env } });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '' };
}

function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  const packages = setupPackages({ run: runCommand, uid, log: (line) => console.log(line) });
  if (!packages.ok) {
    console.error(packages.message);
    process.exit(1);
  }
  // Instant once installed (a marker file); the integration and end-to-end suites need it.
  const codeServer = spawnSync('bash', [join(root, 'scripts', 'code-server.sh')], { stdio: 'inherit' });
  if (codeServer.status !== 0) {
    console.error('setup: installing code-server failed (above); run it again with: bash scripts/code-server.sh');
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
