/** scripts/setup-system.mjs: what `npm test` installs first, with a fake dpkg and apt-get. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error: a plain ES module script without type declarations
import { PACKAGES, installCommand, setupPackages } from '../../scripts/setup-system.mjs';

interface Call { command: string; args: string[]; env?: Record<string, string> }

/** A machine with `installed` packages (name → dpkg status); apt-get install installs, unless `aptFails`. */
function machine(installed: Record<string, string>, options: { dpkg?: boolean; aptFails?: boolean } = {}) {
  const calls: Call[] = [];
  const lines: string[] = [];
  const run = (command: string, args: string[], env?: Record<string, string>) => {
    calls.push({ command, args, env });
    if (command === 'dpkg') {
      if (options.dpkg === false) return { status: null, stdout: '' };
      if (args[0] === '--version') return { status: 0, stdout: 'Debian dpkg 1.21\n' };
      const status = installed[args[1]];
      return status ? { status: 0, stdout: `Package: ${args[1]}\nStatus: ${status}\nVersion: 1\n` } : { status: 1, stdout: '' };
    }
    if (options.aptFails) return { status: 100, stdout: '' };
    if (command === 'apt-get' && args[0] === 'install') for (const name of args.slice(3)) installed[name] = 'install ok installed';
    return { status: 0, stdout: '' };
  };
  return { run, calls, lines, log: (line: string) => lines.push(line), apt: () => calls.filter((call) => call.command === 'apt-get') };
}

const all = (): Record<string, string> => Object.fromEntries(PACKAGES.map(([name]: [string]) => [name, 'install ok installed']));

test('with every package installed nothing is installed, as root or not', () => {
  for (const uid of [0, 1000]) {
    const fake = machine(all());
    const result = setupPackages({ run: fake.run, uid, log: fake.log });
    assert.deepEqual(result, { ok: true, missing: [] });
    assert.deepEqual(fake.apt(), []);
    assert.match(fake.lines.join('\n'), /the 10 Debian packages the tests need are installed/);
  }
});

test('as root the missing packages are installed: apt-get update once, then one non-interactive install', () => {
  const installed = all();
  delete installed.chromium;
  delete installed['python3-torch'];
  installed['python3-scipy'] = 'deinstall ok config-files';
  const fake = machine(installed);
  const result = setupPackages({ run: fake.run, uid: 0, log: fake.log });
  assert.deepEqual(result, { ok: true, missing: ['chromium', 'python3-torch', 'python3-scipy'] });
  assert.deepEqual(fake.apt().map((call) => [call.args, call.env]), [
    [['update'], { DEBIAN_FRONTEND: 'noninteractive' }],
    [['install', '-y', '--no-install-recommends', 'chromium', 'python3-torch', 'python3-scipy'], { DEBIAN_FRONTEND: 'noninteractive' }],
  ]);
});

test('not root: it stops at once with the exact command to run', () => {
  const installed = all();
  delete installed.ripgrep;
  delete installed['python3-distributed'];
  const fake = machine(installed);
  const result = setupPackages({ run: fake.run, uid: 1000, log: fake.log });
  assert.equal(result.ok, false);
  assert.deepEqual(fake.apt(), [], 'nothing run');
  assert.match(result.message, /missing Debian packages: ripgrep python3-distributed/);
  assert.ok(result.message.endsWith('\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ripgrep python3-distributed'), result.message);
  assert.equal(installCommand(['make'], true), 'apt-get update && apt-get install -y --no-install-recommends make');
});

test('a failed apt-get stops with the command to run again', () => {
  const installed = all();
  delete installed.make;
  const fake = machine(installed, { aptFails: true });
  const result = setupPackages({ run: fake.run, uid: 0, log: fake.log });
  assert.equal(result.ok, false);
  assert.equal(fake.apt().length, 1, 'install is not tried after update failed');
  assert.match(result.message, /"apt-get update" failed \(exit 100\)[^]*apt-get install -y --no-install-recommends make$/);
});

test('without dpkg (not Debian or Ubuntu) it names the packages and goes on', () => {
  const fake = machine({}, { dpkg: false });
  assert.deepEqual(setupPackages({ run: fake.run, uid: 0, log: fake.log }), { ok: true, missing: [] });
  assert.deepEqual(fake.apt(), []);
  assert.match(fake.lines[0], /no dpkg here[^]*chromium, ripgrep/);
});
