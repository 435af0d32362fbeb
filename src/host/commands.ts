/** The landscapeLens.* commands. Each validates its arguments: links in the webviews may call some. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { loadConfig, pickConfigUri, toUri } from './editor/config-loading';
import type { ResultsPanel } from './webview/panel';
import { completeRace, raceArgument } from './editor/race-picks';
import { focusConfig, onlyOptimizer, raceConfig, type FocusedPart } from './editor/pure/derived-configs';
import type { RunController } from './runs/run-controller';
import { exportResults, openResults } from './runs/results-commands';
import { compareRuns } from './runs/run-list-commands';
import { PYTORCH_TEMPLATE_ID, TEMPLATES, pytorchTemplateText, type PytorchChoices } from './editor/pure/templates';
import { pickPytorchChoices } from './editor/pytorch-template';
import { receiveAsWebview, startEventLoopDelay, stopEventLoopDelay, testState } from './test-hooks';

const FOCUSED: [string, FocusedPart, string][] = [
  ['landscapeLens.trainNetwork', 'train', 'Train Network'],
  ['landscapeLens.analyzeHessian', 'hessian', 'Analyze Hessian'],
  ['landscapeLens.plotLandscape', 'landscape', 'Plot Loss Landscape'],
  ['landscapeLens.detectSaddles', 'saddles', 'Detect Saddle Points'],
];

export function registerCommands(context: vscode.ExtensionContext, controller: RunController, panel: ResultsPanel): vscode.Disposable {
  const register = (id: string, handler: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, handler);
  return vscode.Disposable.from(
    register('landscapeLens.runExperiment', (uri, options) => runExperiment(controller, uri, options)),
    register('landscapeLens.optimizerRace', async (argument) => {
      const request = await completeRace(raceArgument(argument) ?? {});
      if (!request) return undefined;
      const config = raceConfig(request);
      const folder = vscode.workspace.workspaceFolders?.[0];
      return controller.run({ config, configText: JSON.stringify(config, null, 2), baseDir: folder?.uri.fsPath ?? process.cwd() });
    }),
    ...FOCUSED.map(([id, part, title]) => register(id, async (uri) => {
      const configUri = await pickConfigUri(uri, title);
      const loaded = configUri && (await loadConfig(configUri));
      if (!loaded) return undefined;
      const focused = focusConfig(loaded.config, part);
      if ('error' in focused) {
        void vscode.window.showWarningMessage(`Landscape Lens: ${focused.error}`);
        return undefined;
      }
      return controller.run({ config: focused.config, configText: loaded.text, baseDir: loaded.baseDir, configUri: loaded.uri });
    })),
    register('landscapeLens.newFromTemplate', (templateId, folder, choices) => newFromTemplate(templateId, folder, choices)),
    register('landscapeLens.openResults', (run) => openResults(context, controller, panel, run)),
    register('landscapeLens.exportResults', (run, destination) => exportResults(context, controller, run, destination)),
    register('landscapeLens.compareRuns', (ids) => compareRuns(controller, ids)),
    register('landscapeLens.cancelRun', () => {
      const cancelled = controller.cancel();
      if (!cancelled) void vscode.window.showInformationMessage('Landscape Lens: no run is going.');
      return cancelled;
    }),
    register('landscapeLens.showPanel', (options) => panel.show(Boolean((options as { preserveFocus?: unknown } | undefined)?.preserveFocus))),
    // INTERNAL: the integration tests' view of the host (src/host/test-hooks.ts); not in package.json.
    register('landscapeLens._testState', () => ({ ...testState(), panelOpen: panel.isOpen, history: controller.history.map((run) => run.id), shown: controller.shown?.summary, compared: controller.comparison?.map((run) => run.summary.id) ?? [] })),
    register('landscapeLens._testReceive', (view, message) => receiveAsWebview(view, message)),
    register('landscapeLens._testEventLoopDelay', (action) => (action === 'start' ? startEventLoopDelay() : stopEventLoopDelay())),
  );
}

/** Runs a config (the argument, the active editor's, or a pick); `{optimizerIndex}` runs one optimizer only. */
async function runExperiment(controller: RunController, uri: unknown, options: unknown): Promise<vscode.Uri | undefined> {
  const configUri = await pickConfigUri(uri, 'Run Experiment');
  const loaded = configUri && (await loadConfig(configUri));
  if (!loaded) return undefined;
  const index = (options as { optimizerIndex?: unknown } | undefined)?.optimizerIndex;
  let config = loaded.config;
  if (typeof index === 'number') {
    try {
      config = onlyOptimizer(config, index);
    } catch (error) {
      void vscode.window.showErrorMessage(`Landscape Lens: ${(error as Error).message}`);
      return undefined;
    }
  }
  return controller.run({ config, configText: loaded.text, baseDir: loaded.baseDir, configUri: loaded.uri });
}

/**
 * Writes a template as <id>.landscape.json (or <id>-2…) in the folder and opens it. The PyTorch
 * template asks for the model, data and weights (or takes them as `choices`).
 */
async function newFromTemplate(templateId: unknown, folderArgument: unknown, choices?: unknown): Promise<vscode.Uri | undefined> {
  let template = TEMPLATES.find((candidate) => candidate.id === templateId)
    ?? (await vscode.window.showQuickPick(TEMPLATES.map((t) => ({ ...t, label: t.label, detail: t.detail })), { title: 'Landscape Lens: New Experiment from Template' }));
  if (!template) return undefined;
  const folder = toUri(folderArgument) ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (template.id === PYTORCH_TEMPLATE_ID && folder) {
    const picked = isPytorchChoices(choices) ? choices : await pickPytorchChoices(folder);
    if (!picked) return undefined;
    template = { ...template, text: pytorchTemplateText(picked) };
  }
  if (!folder) {
    const document = await vscode.workspace.openTextDocument({ language: 'jsonc', content: template.text });
    await vscode.window.showTextDocument(document);
    void vscode.window.showInformationMessage('Landscape Lens: save this file as <name>.landscape.json to run it.');
    return document.uri;
  }
  let target = vscode.Uri.joinPath(folder, `${template.id}.landscape.json`);
  for (let suffix = 2; await exists(target); suffix++) target = vscode.Uri.joinPath(folder, `${template.id}-${suffix}.landscape.json`);
  if (target.scheme === 'file') await writeFile(target.fsPath, template.text, { flag: 'wx' });
  else await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(template.text));
  await vscode.window.showTextDocument(target);
  return target;
}

function isPytorchChoices(value: unknown): value is PytorchChoices {
  return typeof value === 'object' && value !== null && typeof (value as PytorchChoices).model === 'string';
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme === 'file') return existsSync(uri.fsPath);
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
