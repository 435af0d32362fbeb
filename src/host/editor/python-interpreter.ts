/**
 * The Python that runs PyTorch configs in VS Code: the setting landscapeLens.python; else the
 * interpreter selected in the Python extension (its public API, when it is installed); else each
 * python3 and python on the PATH, the first that imports torch.
 */
import * as vscode from 'vscode';
import { EXTENSION_FIX, findInterpreter, interpreterCandidates, type FoundInterpreter } from '../../backends/pytorch';
import { log } from '../log';

/** The part of the Python extension's API (ms-python.python) used here. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment?(environment: { id: string; path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter the Python extension has selected for `resource`, or undefined (not installed, no selection, an API error). */
async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environments = api?.environments;
    if (!environments) return undefined;
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment?.(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch (error) {
    log().warn(`the Python extension did not say which interpreter is selected: ${(error as Error).message}`);
    return undefined;
  }
}

/** Finds the interpreter for a config file (the setting may differ per folder). */
export async function findVsCodeInterpreter(resource?: vscode.Uri): Promise<FoundInterpreter> {
  const setting = vscode.workspace.getConfiguration('landscapeLens', resource).get<string>('python', '').trim();
  const explicit = setting ? { path: setting, source: 'the setting landscapeLens.python' } : undefined;
  const pythonExtension = explicit ? undefined : await pythonExtensionInterpreter(resource);
  return findInterpreter(interpreterCandidates({ explicit, pythonExtension }), EXTENSION_FIX);
}
