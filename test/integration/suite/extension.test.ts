// The extension inside a real extension host, against the examples/ workspace: each command,
// the results folders, the diagnostics of a broken config, CodeLenses, the panel's messages,
// cancel, open and export. Reads the host through the INTERNAL landscapeLens._testState command.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { hostStateOf, until, workspaceUri, writeWorkspaceFile } from './workspace';

interface HostState {
  posted: { view: string; type: string; name?: string; final?: boolean; trajectories?: number }[];
  refused: string[];
  lastRunFolder?: string;
  running: boolean;
  activationMilliseconds?: number;
  activationCpuMilliseconds?: number;
  panelOpen: boolean;
  history: string[];
  shown?: { id: string; status: string };
  compared: string[];
}

interface SavedResults {
  name: string;
  trajectories?: { label: string; status: string; points: number[][] }[];
  criticalPoints?: { kind: string; point: number[] }[];
  warnings: string[];
}

const hostState = () => hostStateOf<HostState>();

function readResults(folder: vscode.Uri): SavedResults {
  return JSON.parse(readFileSync(join(folder.fsPath, 'results.json'), 'utf8')) as SavedResults;
}

function readRecord(folder: vscode.Uri): { status: string; reason?: string; name: string } {
  return JSON.parse(readFileSync(join(folder.fsPath, 'run.json'), 'utf8')) as { status: string; reason?: string; name: string };
}


const saddleRace = () => workspaceUri('saddle-race.landscape.json');

suite('extension', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension('landscape-lens.landscape-lens');
    assert.ok(extension, 'the extension is loaded');
    const exported = (await extension.activate()) as { _testState?: unknown };
    assert.equal(typeof exported._testState, 'function', 'activate() returns the internal test hook');
  });

  test('loading the bundle and activating take under 100 ms (mathjs and the schema load on first use)', async () => {
    const { activationMilliseconds, activationCpuMilliseconds } = await hostState();
    assert.equal(typeof activationMilliseconds, 'number', 'the extension measures its activation');
    assert.equal(typeof activationCpuMilliseconds, 'number', 'the extension measures its activation CPU time');
    // The CPU time is the extension's own cost; wall time also holds whatever else the machine
    // runs, so it is held to the bound only when the machine is not busier than its cores.
    const load = loadavg()[0];
    const busy = load > availableParallelism();
    console.log(`activation: ${activationMilliseconds!.toFixed(1)} ms wall, ${activationCpuMilliseconds!.toFixed(1)} ms CPU (load average ${load.toFixed(1)}${busy ? ': wall time not checked' : ''})`);
    assert.ok(activationCpuMilliseconds! < 100, `activation took ${activationCpuMilliseconds!.toFixed(1)} ms of CPU`);
    if (!busy) assert.ok(activationMilliseconds! < 100, `activation took ${activationMilliseconds!.toFixed(1)} ms`);
  });

  test('Run Experiment writes the results folder, and the panel gets the final results', async () => {
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', saddleRace());
    assert.ok(folder instanceof vscode.Uri, 'resolves with the results folder');
    assert.match(folder.path, /\/\.landscape-lens\/runs\/\d{8}-\d{6}-saddle-race$/);
    const files = readdirSync(folder.fsPath).sort();
    assert.deepEqual(files.filter((name) => !name.endsWith('.csv')), ['config.landscape.json', 'results.json', 'run.json']);
    assert.equal(files.filter((name) => name.endsWith('.csv')).length, 4, 'one CSV per optimizer');
    assert.equal(readFileSync(join(folder.fsPath, 'config.landscape.json'), 'utf8'), readFileSync(saddleRace().fsPath, 'utf8'), 'the config as run, comments kept');
    const results = readResults(folder);
    assert.deepEqual(results.trajectories?.map((trajectory) => trajectory.label), ['gradient descent', 'momentum 0.9', 'Newton', 'noisy GD']);
    assert.equal(readRecord(folder).status, 'completed');
    const state = await until('the final results posted to the panel', async () => {
      const current = await hostState();
      return current.posted.some((message) => message.view === 'panel' && (message.type === 'results' || message.type === 'state') && message.final && message.name === 'Saddle race') ? current : undefined;
    });
    assert.equal(state.panelOpen, true, 'autoOpenPanel opened the panel');
    const streamed = state.posted.filter((message) => message.view === 'panel' && message.name === 'Saddle race' && message.type === 'results' && !message.final);
    assert.ok(streamed.length > 0, 'partial results streamed to the panel before the final ones');
    assert.ok(streamed.some((message) => (message.trajectories ?? 0) < 4), 'a partial message held fewer trajectories than the final results');
    assert.ok(state.posted.some((message) => message.view === 'panel' && message.type === 'progress'), 'progress reached the panel');
    assert.equal(state.lastRunFolder, folder.fsPath);
    assert.equal(state.history[0], basename(folder.fsPath), 'the run heads the history');
    assert.equal(state.running, false);
  }, 180_000);

  test('"Run only this" runs a single optimizer', async () => {
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', saddleRace(), { optimizerIndex: 2 });
    assert.ok(folder instanceof vscode.Uri);
    const results = readResults(folder);
    assert.equal(results.name, 'Saddle race - Newton');
    assert.deepEqual(results.trajectories?.map((trajectory) => trajectory.label), ['Newton']);
    const end = results.trajectories?.[0].points.at(-1) ?? [];
    assert.ok(Math.hypot(end[0], end[1]) < 1e-6, `Newton lands on the saddle, not at (${end.join(', ')})`);
  }, 120_000);

  test('Optimizer Race with its arguments needs no file', async () => {
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.optimizerRace', { surface: 'dauphin-saddle', optimizers: ['sgd', 'saddle-free-newton'], start: [0.5, 0.01], steps: 30 });
    assert.ok(folder instanceof vscode.Uri);
    const results = readResults(folder);
    assert.equal(results.trajectories?.length, 2);
    assert.deepEqual(results.trajectories?.[0].points[0], [0.5, 0.01]);
    assert.equal(results.trajectories?.[0].points.length, 31);
  }, 120_000);

  test('Detect Saddle Points classifies the saddle at the origin', async () => {
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.detectSaddles', saddleRace());
    assert.ok(folder instanceof vscode.Uri);
    const saddles = readResults(folder).criticalPoints?.filter((point) => point.kind === 'saddle') ?? [];
    assert.equal(saddles.length, 1);
    assert.ok(Math.hypot(saddles[0].point[0], saddles[0].point[1]) < 1e-6);
  }, 120_000);

  test('Train Network trains the seed\'s network example and saves its history', async () => {
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.trainNetwork', workspaceUri('train-sum-of-squares.landscape.json'));
    assert.ok(folder instanceof vscode.Uri, 'resolves with the results folder');
    assert.equal(readRecord(folder).status, 'completed');
    const saved = readResults(folder) as SavedResults & { training?: { history?: { epoch: number; loss: number }[] } };
    const history = saved.training?.history ?? [];
    assert.ok(history.length > 0, 'results.json holds the training history');
    assert.ok(history.every((entry) => Number.isFinite(entry.loss)), 'every epoch has a finite loss');
  }, 180_000);

  test('Train Network, Analyze Hessian and Plot Loss Landscape refuse a config without their section', async () => {
    const before = (await hostState()).history.length;
    for (const command of ['landscapeLens.trainNetwork', 'landscapeLens.analyzeHessian', 'landscapeLens.plotLandscape']) {
      assert.equal(await vscode.commands.executeCommand(command, saddleRace()), undefined, `${command} does not run a surface race`);
    }
    assert.equal((await hostState()).history.length, before, 'no run folder was written');
  });

  test('a broken config gets diagnostics at its fields, cleared when fixed, and does not run', async () => {
    const text = '{\n  "name": "broken",\n  "surface": { "name": "saddle" },\n  "optimizers": [{ "name": "sgd", "lr": -1, "bogus": 2 }]\n}\n';
    const uri = await writeWorkspaceFile('broken.landscape.json', text);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostics = await until('diagnostics of the broken config', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Landscape Lens');
      return found.length > 0 ? found : undefined;
    });
    const underlined = diagnostics.map((diagnostic) => document.getText(diagnostic.range));
    assert.ok(underlined.includes('"bogus"'), `the unknown field is underlined: ${JSON.stringify(underlined)}`);
    assert.ok(underlined.includes('-1'), `the negative lr is underlined: ${JSON.stringify(underlined)}`);
    assert.ok(diagnostics.every((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error));
    assert.equal(await vscode.commands.executeCommand('landscapeLens.runExperiment', uri), undefined, 'an invalid config does not run');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(text.length)), text.replace('"lr": -1, "bogus": 2', '"lr": 0.1'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until('the diagnostics to clear', () => (vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Landscape Lens').length === 0 ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a learning rate too large for the surface\'s curvature is a warning on its value', async () => {
    const text = '{\n  "name": "too fast",\n  "surface": { "name": "saddle" },\n  "optimizers": [{ "name": "sgd", "lr": 1.5 }]\n}\n';
    const uri = await writeWorkspaceFile('too-fast.landscape.json', text);
    const document = await vscode.workspace.openTextDocument(uri);
    const warnings = await until('the learning-rate warning', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Landscape Lens');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(document.getText(warnings[0].range), '1.5');
    assert.match(warnings[0].message, /lr < 2\(1 \+ μ\)\/λmax = 1\.00/);
  });

  test('CodeLenses: "▶ Run" at the top and "▶ Run only this" above each optimizer', async () => {
    const document = await vscode.workspace.openTextDocument(saddleRace());
    const lenses = await until('CodeLenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', saddleRace(), 100);
      const ours = found?.filter((lens) => lens.command?.command === 'landscapeLens.runExperiment') ?? [];
      return ours.length > 0 ? ours : undefined;
    });
    assert.deepEqual(lenses.map((lens) => lens.command?.title), ['▶ Run', '▶ Run only this', '▶ Run only this', '▶ Run only this', '▶ Run only this']);
    assert.equal(lenses[0].range.start.line, 0);
    assert.match(document.lineAt(lenses[1].range.start.line).text, /"name": "sgd", "lr": 0.1, "label": "gradient descent"/);
    assert.deepEqual(lenses[4].command?.arguments?.[1], { optimizerIndex: 3 });
  });

  test('Cancel Run stops a long run and keeps what finished, with the reason', async () => {
    const config = { name: 'long race', surface: { name: 'ill-conditioned' }, start: [1, 1], steps: 400000, criticalPoints: false, optimizers: [{ name: 'sgd', lr: 0.001 }, { name: 'sgd', lr: 0.0001 }] };
    const uri = await writeWorkspaceFile('long.landscape.json', JSON.stringify(config, null, 2));
    const running = vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', uri);
    await until('the run to start', async () => ((await hostState()).running ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await vscode.commands.executeCommand('landscapeLens.cancelRun'), true);
    const folder = await running;
    assert.ok(folder instanceof vscode.Uri, 'a cancelled run still resolves with its folder');
    const record = readRecord(folder);
    assert.equal(record.status, 'cancelled');
    assert.match(record.reason ?? '', /cancel/);
    assert.ok(readResults(folder).warnings.some((warning) => /cancel/.test(warning)));
    assert.equal((await hostState()).running, false);
    assert.equal(await vscode.commands.executeCommand('landscapeLens.cancelRun'), false, 'nothing left to cancel');
  }, 120_000);

  test('Open Results shows a saved run; Export Results copies its folder', async () => {
    const state = await hostState();
    const oldest = state.history.at(-1);
    assert.ok(oldest, 'there are saved runs');
    const opened = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.openResults', oldest);
    assert.equal(basename(opened.fsPath), oldest);
    assert.equal((await hostState()).shown?.id, oldest);
    const destination = mkdtempSync(join(tmpdir(), 'landscape-export-'));
    try {
      const exported = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.exportResults', oldest, vscode.Uri.file(destination));
      assert.equal(exported.fsPath, join(destination, oldest));
      assert.deepEqual(readdirSync(exported.fsPath).sort(), readdirSync(opened.fsPath).sort());
    } finally {
      rmSync(destination, { recursive: true, force: true });
    }
    assert.equal(await vscode.commands.executeCommand('landscapeLens.openResults', '../../etc'), undefined, 'a path-like id is not a run');
  });

  test('New Experiment from Template writes a valid config and opens it', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.newFromTemplate', 'custom-expression', workspaceUri());
    assert.match(uri.path, /\/custom-expression(-\d+)?\.landscape\.json$/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Landscape Lens'), []);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('the side view gets the history and the shown run when it opens', async () => {
    const received = async () => {
      const posted = (await hostState()).posted.filter((message) => message.view === 'side');
      return posted.some((message) => message.type === 'state' && message.name !== undefined) ? true : undefined;
    };
    // code-server's first load of a webview page sometimes waits on its service worker; a user
    // would close and reopen the view, and so does this test (three tries), before it fails.
    for (let attempt = 1; ; attempt++) {
      await vscode.commands.executeCommand('workbench.view.extension.landscapeLens');
      try {
        await until('the side view to receive its state', received, 20_000);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await vscode.commands.executeCommand('workbench.action.closeSidebar');
      }
    }
  });

  test('webview messages are validated: bad ones are ignored, a new start point re-runs the race', async () => {
    await vscode.commands.executeCommand('landscapeLens.showPanel');
    const receive = (message: unknown) => vscode.commands.executeCommand<boolean>('landscapeLens._testReceive', 'panel', message);
    const refusedBefore = (await hostState()).refused.length;
    assert.equal(await receive({ type: 'openRun', id: '../../etc' }), false);
    assert.equal(await receive({ type: 'eval', code: 'process.exit(1)' }), false);
    assert.equal(await receive({ type: 'runRace', surface: 'saddle', optimizers: ['rm -rf'], start: [0, 0] }), false);
    assert.equal((await hostState()).refused.length, refusedBefore + 3, 'each refusal is logged');
    const race = (await hostState()).history.find((id) => id.endsWith('-saddle-race'));
    assert.ok(race, 'the saddle race run is in the history');
    assert.equal(await receive({ type: 'openRun', id: race }), true);
    assert.equal((await hostState()).shown?.id, race);
    const before = (await hostState()).lastRunFolder;
    assert.equal(await receive({ type: 'setStart', start: [0.5, 0.25] }), true);
    const after = await hostState();
    assert.ok(after.lastRunFolder && after.lastRunFolder !== before, 'a new run was saved');
    const results = readResults(vscode.Uri.file(after.lastRunFolder));
    assert.equal(results.trajectories?.length, 4);
    for (const trajectory of results.trajectories ?? []) assert.deepEqual(trajectory.points[0], [0.5, 0.25]);
  }, 120_000);

  test('a race re-run from the panel refuses a saved config edited to be invalid, with the message Run Experiment shows for that file', async () => {
    const receive = (message: unknown) => vscode.commands.executeCommand<boolean>('landscapeLens._testReceive', 'panel', message);
    const logLines = async () => ((await hostState()) as HostState & { logLines: string[] }).logLines;
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', saddleRace());
    assert.ok(folder instanceof vscode.Uri);
    const config = join(folder.fsPath, 'config.landscape.json');
    writeFileSync(config, readFileSync(config, 'utf8').replace('"lr": 0.1, "label": "gradient descent"', '"lr": "fast", "label": "gradient descent"'));
    assert.equal(await receive({ type: 'openRun', id: basename(folder.fsPath) }), true);
    const before = await hostState();
    const logStart = (await logLines()).length;
    assert.equal(await receive({ type: 'setStart', start: [0.5, 0.25] }), true);
    const refusals = (await logLines()).slice(logStart).filter((line) => line.startsWith('error: '));
    assert.equal(refusals.length, 1, refusals.join('\n'));
    assert.match(refusals[0], /not run: \/optimizers\/0\/lr: "optimizers\.0\.lr" must be of type number$/);
    const after = await hostState();
    assert.equal(after.lastRunFolder, before.lastRunFolder, 'nothing ran');
    assert.deepEqual(after.history, before.history, 'no run folder was saved');
    // The editor's Run Experiment on that very file refuses it with the same words.
    const editorStart = (await logLines()).length;
    assert.equal(await vscode.commands.executeCommand('landscapeLens.runExperiment', vscode.Uri.file(config)), undefined);
    assert.deepEqual((await logLines()).slice(editorStart).filter((line) => line.startsWith('error: ')), refusals);
  }, 120_000);

  test('the host thread\'s event loop stays responsive through the largest example (mnist-landscape)', async () => {
    interface Delay { maxMilliseconds: number; meanMilliseconds: number; p99Milliseconds: number; spanMilliseconds: number; reference?: { maxMilliseconds: number } }
    const delay = (action: 'start' | 'stop') => vscode.commands.executeCommand<Delay | undefined>('landscapeLens._testEventLoopDelay', action);
    const describe = (what: string, measured: Delay) => `${what}: max ${measured.maxMilliseconds.toFixed(1)} ms, p99 ${measured.p99Milliseconds.toFixed(1)} ms, mean ${measured.meanMilliseconds.toFixed(1)} ms over ${(measured.spanMilliseconds / 1000).toFixed(1)} s`;
    // Warm up what a first run loads once (the schema, the worker pool, the panel), so the span measures a run.
    await vscode.commands.executeCommand('landscapeLens.runExperiment', saddleRace(), { optimizerIndex: 0 });
    // The same host idle, then idle while as many threads as the run's pool has (one per core) keep
    // the cores busy: on a loaded machine the scheduler alone delays the host's timers, the more so
    // when the run's own workers take the cores. The run is judged by what it adds to the latter.
    await delay('start');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const idle = await delay('stop');
    assert.ok(idle, 'the host measures its event-loop delay');
    await delay('start');
    const spinners = Array.from({ length: availableParallelism() }, () => new Worker('const end = Date.now() + 5000; while (Date.now() < end);', { eval: true }));
    await Promise.all(spinners.map((spinner) => new Promise((resolve) => spinner.once('exit', resolve))));
    const busy = await delay('stop');
    assert.ok(busy);
    await delay('start');
    const folder = await vscode.commands.executeCommand<vscode.Uri>('landscapeLens.runExperiment', workspaceUri('mnist-landscape.landscape.json'));
    await until('the final mnist-landscape results posted', async () => ((await hostState()).posted.some((message) => message.type === 'results' && message.final && message.name === 'mnist-landscape') ? true : undefined));
    const run = await delay('stop');
    assert.ok(run);
    assert.ok(folder instanceof vscode.Uri, 'the run saved its folder');
    assert.equal(readRecord(folder).status, 'completed');
    console.log(`event-loop delay, ${describe('idle', idle)}`);
    console.log(`event-loop delay, ${describe(`idle with ${spinners.length} busy threads`, busy)}`);
    console.log(`event-loop delay, ${describe('mnist-landscape run', run)}`);
    // What the scheduler alone costs a timer: with the cores busy and nothing running, and during
    // the run in an idle thread of the same process (the machine's load at that very time).
    const schedulerDelay = Math.max(busy.maxMilliseconds, run.reference?.maxMilliseconds ?? 0);
    const added = run.maxMilliseconds - schedulerDelay;
    console.log(`event-loop delay: an idle thread beside the run: max ${(run.reference?.maxMilliseconds ?? NaN).toFixed(1)} ms`);
    console.log(`event-loop delay: the run's maximum is ${run.maxMilliseconds < 50 ? 'under' : 'over'} 50 ms; it adds ${added.toFixed(1)} ms to what the scheduler alone delays a timer by`);
    assert.ok(run.maxMilliseconds < 50 || added < 50, `the run blocked the host thread for ${run.maxMilliseconds.toFixed(1)} ms (the scheduler alone: ${busy.maxMilliseconds.toFixed(1)} ms with the cores busy and nothing running, ${(run.reference?.maxMilliseconds ?? NaN).toFixed(1)} ms in an idle thread during the run)`);
  }, 600_000);

  test('Show Panel: the page asks for the state and the host answers it', async () => {
    await vscode.commands.executeCommand('landscapeLens.showPanel');
    assert.equal((await hostState()).panelOpen, true);
    const answered = await until('a state answer to the panel', async () => {
      const posted = (await hostState()).posted;
      return posted.some((message) => message.view === 'panel' && message.type === 'state') ? true : undefined;
    }, 30_000);
    assert.equal(answered, true);
  });

  test('Compare Runs compares saved runs; a page that asks after a reload gets the comparison back', async () => {
    const ids = (await hostState()).history.slice(0, 2);
    assert.equal(ids.length, 2, 'two saved runs from the tests above');
    const compared = await vscode.commands.executeCommand<string[]>('landscapeLens.compareRuns', ids);
    assert.deepEqual(compared, ids);
    assert.deepEqual((await hostState()).compared, ids);
    const receive = (message: unknown) => vscode.commands.executeCommand<boolean>('landscapeLens._testReceive', 'panel', message);
    assert.equal(await receive({ type: 'compareRuns', ids: [] }), true);
    assert.deepEqual((await hostState()).compared, [], 'an empty list ends the comparison');
    assert.equal(await receive({ type: 'requestState', requestId: 99, compare: ids }), true);
    assert.deepEqual((await hostState()).compared, ids, 'the saved comparison of the page is restored');
    assert.equal(await receive({ type: 'compareRuns', ids: ['../escape', ids[0]] }), false, 'a bad id is refused');
  });
});
