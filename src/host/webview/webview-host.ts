/**
 * What the panel and the side view share: the page (CSP, nonce, asWebviewUri, local roots
 * limited to dist/ and media/), validated messages in, and the state protocol: a page asks
 * (`requestState`, with an id) whenever it loads or becomes visible and repeats the request
 * until answered; the host answers from the RunController's current state, never by replaying
 * events. VS Code drops messages posted to a page that is not listening yet (the webview's
 * outer frame flushes queued messages 200 ms after writing the page, whether or not its
 * scripts have run, and clears the queue when the page's HTML is set again), so nothing the
 * page needs may depend on a message posted before it asked.
 *
 * The page's HTML is set once per page. Setting it again while the first page is still loading
 * (a run that ends a second after it opened the panel used to re-render the plain view) can
 * leave code-server's outer frame with a new page that never becomes the active one: every
 * later message then waits behind it and the shown page stays empty. The plain view (the
 * tables shown when the chart bundle cannot run) is re-rendered only once the bundle has had
 * PLAIN_VIEW_GRACE_MS to ask for the state and has not.
 */
import * as vscode from 'vscode';
import type { HostToWebview } from './pure/protocol';
import { log } from '../log';
import { parseWebviewMessage } from './pure/message-validation';
import { historyHtml, raceControlsHtml, resultsHtml } from './pure/plain-view-html';
import type { RunController } from '../runs/run-controller';
import { shellHtml } from './pure/page-html';
import { recordPosted, recordRefused, setReceiver } from '../test-hooks';
import { handleWebviewMessage } from './webview-messages';

type ViewKind = 'panel' | 'side';

/** How long a freshly set page has to ask for the state before the host treats it as a page without the bundle. */
const PLAIN_VIEW_GRACE_MS = 15_000;

/** The only commands a page's links may run (command URIs), the plain view's: each validates its own arguments. */
const LINK_COMMANDS = ['landscapeLens.openResults', 'landscapeLens.optimizerRace'];

/** Webview options of both views: scripts on, only our resources, only our command links. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: LINK_COMMANDS,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Wires one webview to the controller; dispose the result when the view goes away. */
export function connectWebview(webview: vscode.Webview, kind: ViewKind, extensionUri: vscode.Uri, controller: RunController, isVisible: () => boolean, optionsSet = false): vscode.Disposable {
  // A panel created with these options must not get them again: each options change may reload the page.
  if (!optionsSet) webview.options = webviewOptions(extensionUri);
  let renderedAt = 0;
  const render = () => {
    renderedAt = Date.now();
    webview.html = shellHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
      view: kind,
      title: kind === 'panel' ? 'Landscape Lens results' : 'Landscape Lens',
      plainHtml: plainHtml(kind, controller),
      headerHtml: kind === 'side' ? `<h3>Quick race</h3>${raceControlsHtml()}` : undefined,
    });
  };
  const send = (message: HostToWebview) => {
    recordPosted(kind, message);
    void webview.postMessage(message);
  };
  const post = (message: HostToWebview) => {
    if (isVisible()) send(message); // a hidden page asks for the whole state when it shows again
  };
  render();
  // Once a bundle asked for the state it draws from messages: re-rendering the page would reload
  // it (a flicker); the plain view is re-rendered only while no bundle runs.
  let bundleReady = false;
  /** Validates a message from the page, then acts; resolves once the action (e.g. a re-run) is done. */
  const receive = async (raw: unknown): Promise<boolean> => {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      recordRefused(parsed.reason);
      log().warn(`ignored a message from the ${kind} webview: ${parsed.reason}`);
      return false;
    }
    if (parsed.message.type === 'requestState') {
      bundleReady = true;
      // After a window reload the host has no comparison; the page's saved state still does.
      const { compare } = parsed.message;
      if (compare && compare.length >= 2 && !controller.comparison) await controller.compare(compare);
      // The page that asks is alive: answer even if the view's visible flag has not caught up
      // yet (a new panel reports visible a moment after its page loads).
      send({ type: 'state', requestId: parsed.message.requestId, ...controller.snapshot() });
      return true;
    }
    try {
      await handleWebviewMessage(parsed.message, controller);
      return true;
    } catch (error) {
      log().error(`the ${kind} webview's ${parsed.message.type} failed: ${(error as Error).message}`);
      return false;
    }
  };
  setReceiver(kind, receive);
  return vscode.Disposable.from(
    webview.onDidReceiveMessage(receive),
    controller.onMessage(post),
    controller.onStructuralChange(() => {
      if (!bundleReady && Date.now() - renderedAt > PLAIN_VIEW_GRACE_MS) render();
      else post({ type: 'history', runs: controller.history, currentId: controller.shown?.summary.id });
    }),
  );
}

/** The plain view: the shown run's tables in the panel; the history and the run's tables in the side view. */
function plainHtml(kind: ViewKind, controller: RunController): string {
  const shown = controller.shown;
  const results = shown ? resultsHtml(shown.results, shown.summary) : '<p>No results yet: run an experiment (Landscape Lens: Run Experiment) or a quick race.</p>';
  if (kind === 'panel') return results;
  return `<h3>Runs</h3>${historyHtml(controller.history, shown?.summary.id)}<h3>Current run</h3>${results}`;
}
