/** config.cluster: the schema's forms, and --cluster / landscapeLens.cluster setting the scheduler. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentConfig } from '../../src/config/types';
import { validateConfigValue } from '../../src/config/validate';
import { ClusterAddressError, clusterAddressProblem, withClusterScheduler } from '../../src/config/cluster-address';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folder = mkdtempSync(join(tmpdir(), 'landscape-cluster-config-'));
writeFileSync(join(folder, 'model.py'), 'def make_model():\n    pass\n');
writeFileSync(join(folder, 'data.py'), 'def make_data():\n    pass\n');
for (const pem of ['ca.pem', 'me.pem', 'me.key']) writeFileSync(join(folder, pem), '-----BEGIN CERTIFICATE-----\n');
const config = (cluster: unknown) => ({
  name: 'torch on a cluster',
  model: { pytorch: 'model.py:make_model' },
  data: { kind: 'pytorch', factory: 'data.py:make_data' },
  analyses: { landscape: { resolution: 11 } },
  cluster,
});
const errorsOf = (value: unknown) => validateConfigValue(value, folder).issues.filter((issue) => issue.severity === 'error');

test('a running scheduler with TLS options, or a local cluster, is a valid cluster', () => {
  assert.deepEqual(errorsOf(config({ scheduler: 'tcp://10.0.0.5:8786' })), []);
  assert.deepEqual(errorsOf(config({ scheduler: 'tls://head:8786', security: { tls_ca_file: 'ca.pem', tls_client_cert: 'me.pem', tls_client_key: 'me.key', require_encryption: true } })), []);
  assert.deepEqual(errorsOf(config({ local: { workers: 2 } })), []);
});

test('a cluster that is neither, or both, or has an unknown TLS option is an error at /cluster', () => {
  for (const wrong of [{}, { scheduler: 'tcp://h:8786', local: { workers: 2 } }, { local: { workers: 0 } }, { scheduler: 'tcp://h:8786', security: { password: 'x' } }, { scheduler: 'host-without-protocol' }]) {
    const errors = errorsOf(config(wrong));
    assert.ok(errors.length > 0, `expected an error for ${JSON.stringify(wrong)}`);
    assert.ok(errors.every((issue) => issue.path.startsWith('/cluster') || issue.message.includes('cluster')), JSON.stringify(errors));
  }
});

test('--cluster sets the scheduler, replaces a local cluster and keeps the TLS options', () => {
  const base = config({ local: { workers: 2 } }) as unknown as ExperimentConfig;
  assert.deepEqual(withClusterScheduler(base, 'tcp://head:8786').cluster, { scheduler: 'tcp://head:8786' });
  const tls = config({ scheduler: 'tls://old:8786', security: { tls_ca_file: 'ca.pem' } }) as unknown as ExperimentConfig;
  assert.deepEqual(withClusterScheduler(tls, ' tls://new:8786 ').cluster, { scheduler: 'tls://new:8786', security: { tls_ca_file: 'ca.pem' } });
  assert.equal(withClusterScheduler(base, ''), base);
  assert.equal(withClusterScheduler(base, undefined), base);
  assert.deepEqual(base.cluster, { local: { workers: 2 } }, 'the given config is not changed');
});

test('a cluster on an engine config is a warning: the engine runs on this machine', () => {
  const engine = { name: 'mlp', model: { layers: [2, 4, 1] }, data: { kind: 'synthetic', name: 'sum-of-squares', samples: 20 }, cluster: { local: { workers: 2 } } };
  const issues = validateConfigValue(engine, folder).issues;
  assert.ok(issues.some((issue) => issue.path === '/cluster' && issue.severity === 'warning'), JSON.stringify(issues));
});

/** Addresses Dask cannot connect to, each with what the message must say. */
const MALFORMED: [string, RegExp][] = [
  ['ftp://head:8786', /Dask has no "ftp" scheme \(it takes tcp:\/\/, tls:\/\/, ucx:\/\/, ws:\/\/, wss:\/\/\); write "tcp:\/\/host:8786"/],
  ['tcp://head:notaport', /the port "notaport" is not a number from 1 to 65535; write "tcp:\/\/head:8786"/],
  ['tcp://head:70000', /the port "70000" is not a number from 1 to 65535/],
  ['tcp://:8786', /has no host: write "tcp:\/\/host:8786"/],
  ['tcp://', /has no host/],
  ['tcp://head', /has no port \(Dask needs one; .*\): write "tcp:\/\/head:8786"/],
  ['tcp://head:', /has no port/],
  ['tcp://::1:8786', /an IPv6 address goes in brackets: tcp:\/\/\[::1\]:8786/],
  ['tcp://head/path:8786', /"head\/path" is not a host name or address/],
  ['inproc://head:8786', /inproc:\/\/ reaches a scheduler in the same process only/],
  ['head:8786', /has no scheme: write "tcp:\/\/host:8786"/],
];

test('scheduler addresses: scheme://host:port with one of Dask\'s schemes; each malformed one says what is wrong and the fix', () => {
  for (const good of ['tcp://10.0.0.5:8786', 'tls://head.example.org:8786', 'tcp://[::1]:8786', 'ws://head:8786', 'wss://head:443', 'ucx://head-1:13337', ' tcp://head:8786 ']) {
    assert.equal(clusterAddressProblem(good), undefined, good);
  }
  for (const [address, message] of MALFORMED) assert.match(clusterAddressProblem(address) ?? '', message, address);
});

test('a malformed cluster.scheduler is an error at /cluster/scheduler when validated, not a scheduler that does not answer at run time', () => {
  for (const [address, message] of MALFORMED.filter(([address]) => address.includes('://'))) {
    const errors = errorsOf(config({ scheduler: address }));
    assert.equal(errors.length, 1, `${address}: ${JSON.stringify(errors)}`);
    assert.equal(errors[0].path, '/cluster/scheduler');
    assert.match(errors[0].message, /^the scheduler address "/);
    assert.match(errors[0].message, message, address);
  }
});

test('cluster.security files that do not exist (relative to the config\'s folder) are errors naming the field and the path', () => {
  const errors = errorsOf(config({ scheduler: 'tls://head:8786', security: { tls_ca_file: 'certs/ca.pem', tls_client_cert: 'me.pem', tls_client_key: '/nowhere/me.key' } }));
  assert.deepEqual(errors.map((issue) => issue.path), ['/cluster/security/tls_ca_file', '/cluster/security/tls_client_key']);
  assert.match(errors[0].message, new RegExp(`the file ${join(folder, 'certs', 'ca.pem').replaceAll('/', '\\/')} does not exist: give the PEM file's path, relative to the config file's folder`));
  assert.match(errors[1].message, /the file \/nowhere\/me\.key does not exist/);
  mkdirSync(join(folder, 'certs'), { recursive: true });
  const asFolder = errorsOf(config({ scheduler: 'tls://head:8786', security: { tls_ca_file: 'certs' } }));
  assert.match(asFolder[0]?.message ?? '', /certs is a folder/);
});

test('--cluster and the setting landscapeLens.cluster go through the same check: a malformed address throws, naming where it came from', () => {
  const base = config({ local: { workers: 2 } }) as unknown as ExperimentConfig;
  assert.throws(() => withClusterScheduler(base, 'ftp://head:8786', '--cluster'), (error: Error) => error instanceof ClusterAddressError && /^--cluster: the scheduler address "ftp:\/\/head:8786": Dask has no "ftp" scheme/.test(error.message));
  assert.throws(() => withClusterScheduler(base, 'tcp://head'), { message: /^the setting landscapeLens\.cluster: the scheduler address "tcp:\/\/head" has no port/ });
});

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
function runCli(args: string[]) {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: folder });
}

test('the CLI: a malformed --cluster exits 2 before anything runs; --cluster on an engine config exits 2 saying it applies to PyTorch configs only', () => {
  const torch = join(folder, 'torch.landscape.json');
  writeFileSync(torch, JSON.stringify(config(undefined)));
  for (const [address, message] of [['ftp://head:8786', /Dask has no "ftp" scheme/], ['tcp://head:notaport', /the port "notaport"/], ['tcp://:8786', /has no host/]] as const) {
    const result = runCli(['run', torch, '--cluster', address, '--out', join(folder, 'never')]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`^--cluster: the scheduler address "${address.replaceAll('/', '\\/')}"`));
    assert.match(result.stderr, message);
  }
  const engine = join(folder, 'engine.landscape.json');
  writeFileSync(engine, JSON.stringify({ name: 'mlp', model: { layers: [2, 4, 1] }, data: { kind: 'synthetic', name: 'sum-of-squares', samples: 20 } }));
  for (const command of ['run', 'validate']) {
    const result = runCli([command, engine, '--cluster', 'tcp://head:8786', '--out', join(folder, 'never')]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /--cluster applies to PyTorch configs \(model\.pytorch\) only: .*engine\.landscape\.json runs on the engine, in this machine's worker threads; leave --cluster out/);
  }
  // a config whose scheduler address is malformed is refused by validate, naming the field
  writeFileSync(torch, JSON.stringify(config({ scheduler: 'ftp://head:8786' })));
  const validated = runCli(['validate', torch]);
  assert.equal(validated.status, 2);
  assert.match(validated.stderr, /error: \/cluster\/scheduler: the scheduler address "ftp:\/\/head:8786": Dask has no "ftp" scheme/);
  assert.ok(!existsSync(join(folder, 'never')), 'nothing is written');
});
