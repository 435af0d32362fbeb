// The PyTorch backend inside a real extension host: configs with model.pytorch run in the
// interpreter of the setting landscapeLens.python or the one found on the PATH, through Run
// Experiment, the CodeLens and the focused commands; a failing model file and Cancel Run end the
// run with what finished saved. Reads the host through the INTERNAL landscapeLens._testState command.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { hostStateOf, until, workspaceUri, writeWorkspaceFile } from './workspace';

interface HostState {
  posted: { view: string; type: string; name?: string; final?: boolean }[];
  running: boolean;
  lastRunFolder?: string;
  logLines: string[];
  history: string[];
}

interface TorchResults {
  name: string;
  backend?: { name: string; interpreter?: string; dtype?: string };
  training?: { history: { epoch: number; loss: number }[] };
  hessian?: { top?: number[]; trace?: { estimate: number } };
  landscape?: { complete: boolean; loss: (number | null)[] | (number | null)[][] };
  warnings: string[];
}

const hostState = () => hostStateOf<HostState>();

const readResults = (folder: vscode.Uri) => JSON.parse(readFileSync(join(folder.fsPath, 'results.json'), 'utf8')) as TorchResults;
const readRecord = (folder: vscode.Uri) => JSON.parse(readFileSync(join(folder.fsPath, 'run.json'), 'utf8')) as { status: string; reason?: string };


const importsTorch = (python: string) => spawnSync(python, ['-c', 'import torch'], { timeout: 120_000 }).status === 0;

/** Every python3 and python on the PATH, in the order discovery tries them (each real file once). */
function pathPythons(): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['python3', 'python']) {
      const path = join(folder, name);
      try {
        if (!folder || !statSync(path).isFile()) continue;
        accessSync(path, constants.X_OK);
        const real = realpathSync(path);
        if (!seen.has(real)) found.push(path);
        seen.add(real);
      } catch {
        // not there
      }
    }
  }
  return found;
}

const modelPy = 'import torch.nn as nn\n\n\ndef make_model():\n    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))\n';
const dataPy = (rows: number) => [
  'import torch',
  '',
  '',
  'def make_data():',
  '    generator = torch.Generator().manual_seed(0)',
  `    inputs = torch.randn(${rows}, 4, generator=generator, dtype=torch.float64)`,
  '    return inputs, (inputs[:, 0] > 0).long() + (inputs[:, 1] > 0.5).long()',
  '',
].join('\n');

function torchConfig(name: string, model: string, analyses: Record<string, unknown>, training = true): Record<string, unknown> {
  return {
    name,
    seed: 0,
    model: { pytorch: `${model}:make_model`, loss: 'softmax-cross-entropy', dtype: 'float64' },
    data: { kind: 'pytorch', factory: 'torch-data.py:make_data', testFraction: 0.25 },
    runtime: { device: 'cpu', threads: 1 },
    ...(training ? { training: { epochs: 2, batchSize: 50, optimizer: { name: 'sgd', lr: 0.1 } } } : {}),
    analyses,
  };
}

const smallAnalyses = { hessian: { top: 2, trace: { probes: 10 } }, landscape: { directions: 'random', dimensions: 1, resolution: 9 } };

async function setPython(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('landscapeLens').update('python', value, vscode.ConfigurationTarget.Workspace);
}

suite('pytorch', () => {
  let mlp: vscode.Uri;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension('landscape-lens.landscape-lens');
    assert.ok(extension, 'the extension is loaded');
    await extension.activate();
    await writeWorkspaceFile('torch-model.py', modelPy);
    await writeWorkspaceFile('torch-data.py', dataPy(200));
    mlp = await writeWorkspaceFile('torch-mlp.landscape.json', JSON.stringify(torchConfig('Torch MLP', 'torch-model.py', smallAnalyses), null, 2));
  });

  suiteTeardown(() => setPython(undefined));

  test('landscapeLens.python is a restricted setting (an untrusted workspace cannot name a program to run)', () => {
    const extension = vscode.extensions.getExtension('landscape-lens.landscape-lens');
    const manifest = extension?.packageJSON as { capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } }; contributes: { configuration: { properties: Record<string, unknown> } } };
    assert.ok(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations?.includes('landscapeLens.python'));
    assert.ok('landscapeLens.python' in manifest.contributes.configuration.properties);
  });

  test('Run Experiment on a PyTorch config with landscapeLens.python set: training, Hessian and landscape saved, the panel gets the final results', async () => {
    await setPython('/usr/bin/python3');
    try {
      const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', mlp);
      assert.ok(folder instanceof vscode.Uri, 'resolves with the results folder');
      const record = readRecord(folder);
      assert.equal(record.status, 'completed', record.reason);
      const results = readResults(folder);
      assert.equal(results.backend?.name, 'pytorch');
      assert.equal(results.backend?.interpreter, '/usr/bin/python3', 'the setting chose the interpreter');
      assert.equal(results.backend?.dtype, 'float64');
      assert.equal(results.training?.history.length, 2);
      assert.ok(results.training!.history.every((entry) => Number.isFinite(entry.loss)));
      assert.equal(results.hessian?.top?.length, 2);
      assert.ok(results.hessian!.top![0] >= results.hessian!.top![1]);
      assert.ok(Number.isFinite(results.hessian?.trace?.estimate));
      assert.equal(results.landscape?.complete, true);
      assert.equal(results.landscape?.loss.flat().length, 9);
      assert.ok(results.landscape!.loss.flat().every((value) => typeof value === 'number'));
      const state = await until('the final results posted to the panel', async () => {
        const current = await hostState();
        return current.posted.some((message) => message.view === 'panel' && (message.type === 'results' || message.type === 'state') && message.final && message.name === 'Torch MLP') ? current : undefined;
      });
      assert.ok(state.posted.some((message) => message.view === 'panel' && message.type === 'progress'), 'progress reached the panel');
      assert.equal(state.lastRunFolder, folder.fsPath);
      assert.equal(state.running, false);
      assert.ok(state.logLines.some((line) => /runner: .*pytorch/i.test(line)), `the log names the runner:\n${state.logLines.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const fatal = (await hostState()).logLines.filter((line) => /Fatal Python error/.test(line));
      assert.deepEqual(fatal, [], 'the backend process ended without aborting its interpreter');
    } finally {
      await setPython(undefined);
    }
  }, 240_000);

  test('with landscapeLens.python unset, discovery passes over PATH pythons without torch to one that has it', async () => {
    const candidates = pathPythons();
    const withTorch = candidates.find(importsTorch);
    const uri = await writeWorkspaceFile('torch-discovery.landscape.json', JSON.stringify(torchConfig('Torch discovery', 'torch-model.py', { hessian: { top: 1 } }, false), null, 2));
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', uri);
    if (withTorch) {
      assert.ok(folder instanceof vscode.Uri);
      const record = readRecord(folder);
      assert.equal(record.status, 'completed', record.reason);
      const interpreter = readResults(folder).backend?.interpreter;
      console.log(`discovery tried ${candidates.join(', ')}; chose ${interpreter}`);
      assert.equal(interpreter, withTorch, `the first PATH python with torch (tried ${candidates.join(', ')})`);
      if (!importsTorch(candidates[0])) assert.notEqual(interpreter, candidates[0], 'the first python3 on the PATH lacks torch and was passed over');
    } else {
      // No PATH python has torch: the run fails with a message listing every interpreter tried.
      const reason = folder instanceof vscode.Uri ? readRecord(folder).reason ?? '' : (await hostState()).logLines.join('\n');
      for (const candidate of candidates) assert.ok(reason.includes(candidate), `${candidate} is listed in: ${reason}`);
      assert.match(reason, /landscapeLens\.python/);
    }
  }, 240_000);

  test('a model file that raises: the run fails naming model.py and the line; the traceback is in the log', async () => {
    await writeWorkspaceFile('torch-raising.py', 'import torch.nn as nn\n\n\ndef make_model():\n    raise ValueError("bad shape")\n');
    const uri = await writeWorkspaceFile('torch-raising.landscape.json', JSON.stringify(torchConfig('Torch raising', 'torch-raising.py', { hessian: { top: 1 } }), null, 2));
    await setPython('/usr/bin/python3');
    try {
      const logStart = (await hostState()).logLines.length;
      const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', uri);
      assert.ok(folder instanceof vscode.Uri, 'a failed run still resolves with its folder');
      const record = readRecord(folder);
      assert.equal(record.status, 'failed');
      assert.match(record.reason ?? '', /torch-raising\.py:5: ValueError: bad shape/);
      const state = await hostState();
      const logged = state.logLines.slice(Math.max(0, logStart - Math.max(0, logStart + 1 - 2000)));
      assert.ok(logged.some((line) => line.includes('Traceback (most recent call last)')), `the traceback is in the log:\n${logged.slice(-30).join('\n')}`);
      assert.ok(logged.some((line) => /torch-raising\.py", line 5/.test(line)), 'the traceback names the file and line');
      assert.ok(logged.some((line) => /failed \(.*torch-raising\.py:5/.test(line)), 'the log names the failure');
      assert.equal(state.running, false);
    } finally {
      await setPython(undefined);
    }
  }, 240_000);

  test('Cancel Run during a PyTorch landscape keeps the finished points and saves the run as cancelled', async () => {
    await writeWorkspaceFile('torch-data-large.py', dataPy(4000).replace('def make_data', 'def make_large_data'));
    const config = torchConfig('Torch slow landscape', 'torch-model.py', { landscape: { directions: 'random', dimensions: 2, resolution: 151 } }, false);
    (config.data as { factory: string }).factory = 'torch-data-large.py:make_large_data';
    const uri = await writeWorkspaceFile('torch-slow.landscape.json', JSON.stringify(config, null, 2));
    await setPython('/usr/bin/python3');
    try {
      const logStart = (await hostState()).logLines.length;
      const running = vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', uri);
      await until('the landscape to make progress', async () => {
        const lines = (await hostState()).logLines.slice(logStart);
        return lines.some((line) => /\d+% .*(landscape|point)/i.test(line) && !/ 0% /.test(line)) ? true : undefined;
      }, 120_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(await vscode.commands.executeCommand('landscapeLens.cancelRun'), true);
      const folder = await running;
      assert.ok(folder instanceof vscode.Uri, 'a cancelled run still resolves with its folder');
      const record = readRecord(folder);
      assert.equal(record.status, 'cancelled', record.reason);
      assert.match(record.reason ?? '', /cancel/);
      const results = readResults(folder);
      assert.equal(results.backend?.name, 'pytorch');
      assert.equal(results.landscape?.complete, false);
      const values = results.landscape!.loss.flat();
      assert.equal(values.length, 151 * 151);
      const finished = values.filter((value) => typeof value === 'number').length;
      console.log(`cancelled landscape: ${finished} of ${values.length} points kept`);
      assert.ok(finished > 0, 'the finished points are kept');
      assert.ok(finished < values.length, 'the cancel came before the end');
      assert.equal((await hostState()).running, false);
    } finally {
      await setPython(undefined);
    }
  }, 240_000);

  test('the CodeLens "▶ Run" is on a PyTorch config; Analyze Hessian and Plot Loss Landscape run on it', async () => {
    await vscode.workspace.openTextDocument(mlp);
    const lenses = await until('CodeLenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', mlp, 100);
      const ours = found?.filter((lens) => lens.command?.command === 'landscapeLens.runExperiment') ?? [];
      return ours.length > 0 ? ours : undefined;
    });
    assert.equal(lenses[0].command?.title, '▶ Run');
    assert.equal(lenses[0].range.start.line, 0);
    await setPython('/usr/bin/python3');
    try {
      const hessianFolder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.analyzeHessian', mlp);
      assert.ok(hessianFolder instanceof vscode.Uri);
      assert.equal(readRecord(hessianFolder).status, 'completed', readRecord(hessianFolder).reason);
      const hessian = readResults(hessianFolder);
      assert.equal(hessian.backend?.name, 'pytorch');
      assert.equal(hessian.hessian?.top?.length, 2);
      assert.equal(hessian.landscape, undefined, 'only the Hessian analysis ran');
      const landscapeFolder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.plotLandscape', mlp);
      assert.ok(landscapeFolder instanceof vscode.Uri);
      assert.equal(readRecord(landscapeFolder).status, 'completed', readRecord(landscapeFolder).reason);
      const landscape = readResults(landscapeFolder);
      assert.equal(landscape.backend?.name, 'pytorch');
      assert.equal(landscape.landscape?.complete, true);
      assert.equal(landscape.hessian, undefined, 'only the landscape ran');
      const trainFolder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.trainNetwork', mlp);
      assert.ok(trainFolder instanceof vscode.Uri);
      assert.equal(readRecord(trainFolder).status, 'completed', readRecord(trainFolder).reason);
      assert.equal(readResults(trainFolder).training?.history.length, 2);
    } finally {
      await setPython(undefined);
    }
  }, 300_000);

  test('New Experiment from Template → "Your PyTorch model" writes a config without diagnostics that runs', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.newFromTemplate', 'pytorch-model', workspaceUri(), { model: 'torch-model.py:make_model', data: 'torch-data.py:make_data' });
    assert.ok(uri instanceof vscode.Uri);
    assert.match(uri.path, /\.landscape\.json$/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Landscape Lens').map((diagnostic) => diagnostic.message), []);
    await setPython('/usr/bin/python3');
    try {
      const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', uri);
      assert.ok(folder instanceof vscode.Uri);
      const record = readRecord(folder);
      assert.equal(record.status, 'completed', record.reason);
      const results = readResults(folder);
      assert.equal(results.backend?.name, 'pytorch');
      assert.equal(results.hessian?.top?.length, 5);
      assert.equal(results.landscape?.complete, true);
    } finally {
      await setPython(undefined);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  }, 240_000);
});
