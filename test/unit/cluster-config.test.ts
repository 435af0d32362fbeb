/** config.cluster: the schema's forms, and --cluster / landscapeLens.cluster setting the scheduler. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentConfig } from '../../src/config/types';
import { validateConfigValue } from '../../src/config/validate';
import { withClusterScheduler } from '../../src/config/cluster-address';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folder = mkdtempSync(join(tmpdir(), 'landscape-cluster-config-'));
writeFileSync(join(folder, 'model.py'), 'def make_model():\n    pass\n');
writeFileSync(join(folder, 'data.py'), 'def make_data():\n    pass\n');
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
