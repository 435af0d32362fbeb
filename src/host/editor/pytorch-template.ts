/**
 * The quick picks of New Experiment from Template → "Your PyTorch model": the .py file of the
 * model and its function, the data factory's file and function, and a checkpoint
 * (*.pt, *.pth, *.safetensors) found in the folder for `weights`. Paths are relative to the
 * folder the config is written to. Functions are found by a light parse (no import).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { topLevelFunctions } from '../../config/pytorch-checks';
import type { PytorchChoices, PytorchInputs } from './pure/templates';

const EXCLUDE = '**/{node_modules,.git,.venv,venv,env,__pycache__,site-packages,.landscape-lens}/**';

/** `file` relative to `folder`, with forward slashes. */
function relative(folder: vscode.Uri, file: vscode.Uri): string {
  return path.relative(folder.fsPath, file.fsPath).split(path.sep).join('/');
}

async function filesIn(folder: vscode.Uri, pattern: string): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, pattern), EXCLUDE, 500);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

async function functionsOf(file: vscode.Uri): Promise<string[]> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  return topLevelFunctions(text);
}

/** Picks a .py file and one of its top-level functions: "file.py:function"; undefined when dismissed; null when skipped. */
async function pickFunction(folder: vscode.Uri, files: vscode.Uri[], what: string, preferred: RegExp, skip?: string): Promise<string | null | undefined> {
  const fileItems: (vscode.QuickPickItem & { file?: vscode.Uri })[] = files.map((file) => ({ label: relative(folder, file), file }));
  fileItems.sort((a, b) => Number(preferred.test(b.label)) - Number(preferred.test(a.label)));
  if (skip) fileItems.push({ label: skip });
  const file = await vscode.window.showQuickPick(fileItems, { title: `Landscape Lens: the Python file of ${what}`, placeHolder: `the .py file that defines ${what}` });
  if (!file) return undefined;
  if (!file.file) return null;
  const functions = await functionsOf(file.file);
  if (functions.length === 0) {
    void vscode.window.showWarningMessage(`Landscape Lens: ${file.label} defines no top-level function; the config names "${file.label}:make_model": edit it to your function's name.`);
    return `${file.label}:make_model`;
  }
  functions.sort((a, b) => Number(preferred.test(b)) - Number(preferred.test(a)));
  const name = await vscode.window.showQuickPick(functions, { title: `Landscape Lens: the function in ${file.label} that returns ${what}` });
  return name ? `${file.label}:${name}` : undefined;
}

/** How the model's forward takes a batch; undefined when dismissed. */
async function pickInputs(): Promise<PytorchInputs | undefined> {
  const items: (vscode.QuickPickItem & { inputs: PytorchInputs })[] = [
    { label: 'One tensor', detail: 'forward(x): the data gives (inputs, targets)', inputs: 'tensor' },
    { label: 'Several tensors', detail: 'forward(x1, x2, …): the data gives ((x1, x2, …), targets)', inputs: 'several' },
    { label: 'A dict', detail: 'forward(**batch), e.g. input_ids, attention_mask, labels: the loss is the one the model returns', inputs: 'dict' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Landscape Lens: what does the model take?' });
  return picked?.inputs;
}

/**
 * Asks for the model, how it takes a batch, the data factory and the weights; undefined when the user dismissed a pick.
 * With no .py file in the folder, the config names model.py and data.py for the user to write.
 */
export async function pickPytorchChoices(folder: vscode.Uri): Promise<PytorchChoices | undefined> {
  const pythonFiles = await filesIn(folder, '**/*.py');
  if (pythonFiles.length === 0) {
    void vscode.window.showInformationMessage('Landscape Lens: no .py file in this folder: the config names model.py:make_model and data.py:make_data; write them (see examples/pytorch-cnn).');
    return { model: 'model.py:make_model' };
  }
  const model = await pickFunction(folder, pythonFiles, 'the model (an nn.Module)', /model|net/i);
  if (!model) return undefined;
  const inputs = await pickInputs();
  if (!inputs) return undefined;
  const data = await pickFunction(folder, pythonFiles, 'the data ((inputs, targets) or a Dataset)', /data/i, 'Write data.py:make_data later');
  if (data === undefined) return undefined;
  const checkpoints = await filesIn(folder, '**/*.{pt,pth,safetensors}');
  let weights: string | undefined;
  if (checkpoints.length > 0) {
    const none = { label: 'No checkpoint', detail: 'the model as the function builds it' };
    const picked = await vscode.window.showQuickPick([none, ...checkpoints.map((file) => ({ label: relative(folder, file), detail: undefined as string | undefined }))], { title: 'Landscape Lens: weights for the model (model.weights)' });
    if (!picked) return undefined;
    weights = picked === none ? undefined : picked.label;
  }
  return { model, data: data ?? undefined, weights, inputs };
}
