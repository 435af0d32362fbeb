/** Problems-panel diagnostics of config files, from config/prepare.ts as a run prepares them, updated as the text changes. */
import * as vscode from 'vscode';
import { prepare } from '../../config/prepare';
import { issueSpan } from './pure/config-locations';
import { baseDirOf, isConfigUri } from './config-files';
import { prepareOptions } from './config-loading';

const DEBOUNCE_MS = 250;

/** Diagnostics of one config text (its issues at the spans their JSON pointers name; a setting's at the top). */
export function configDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  const text = document.getText();
  const { issues } = prepare(text, baseDirOf(document.uri), prepareOptions(document.uri));
  return issues.map((issue) => {
    const span = issueSpan(text, issue);
    const range = new vscode.Range(document.positionAt(span.offset), document.positionAt(span.offset + span.length));
    const severity = issue.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
    const diagnostic = new vscode.Diagnostic(range, issue.message, severity);
    diagnostic.source = 'Landscape Lens';
    if (issue.path) diagnostic.code = issue.path;
    return diagnostic;
  });
}

/** Keeps the "landscapeLens" diagnostic collection in step with open config files. */
export function watchConfigDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('landscapeLens');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const update = (document: vscode.TextDocument) => {
    if (!isConfigUri(document.uri)) return;
    collection.set(document.uri, configDiagnostics(document));
  };
  const schedule = (document: vscode.TextDocument) => {
    if (!isConfigUri(document.uri)) return;
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      update(document);
    }, DEBOUNCE_MS));
  };
  vscode.workspace.textDocuments.forEach(update);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((event) => schedule(event.document)),
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),
    { dispose: () => timers.forEach((timer) => clearTimeout(timer)) },
  );
}
