/**
 * Validation of every message a webview posts, before the host acts on it: a webview's page is
 * untrusted input. Returns the typed message, or the reason it was refused (for the log).
 */
import { MAX_COMPARED_RUNS, type WebviewToHost } from './protocol';

export type ParsedMessage = { ok: true; message: WebviewToHost } | { ok: false; reason: string };

/** Largest |coordinate| of a start point a webview may ask for. */
const MAX_COORDINATE = 1e6;
/** Largest file a webview may ask to save (characters of text or base64). */
const MAX_SAVE_CHARACTERS = 64 * 1024 * 1024;
const SAVE_EXTENSIONS = ['png', 'svg', 'csv', 'json'];

const refuse = (reason: string): ParsedMessage => ({ ok: false, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStart(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= MAX_COORDINATE);
}

/** A run id is a folder name under the results folder: no separators, no "..". */
export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(value) && !value.includes('..');
}

/** Most runs one delete may name. */
const MAX_DELETED_RUNS = 1000;
/** Largest smoothing weight (1 would freeze the curve at its first value). */
const MAX_SMOOTHING = 0.999;

/** A list of distinct run ids of at most `max` entries, or undefined. */
function runIds(value: unknown, max: number): string[] | undefined {
  if (!Array.isArray(value) || value.length > max || !value.every(isRunId)) return undefined;
  return [...new Set(value as string[])];
}

/** A bare file name with an allowed extension (the user still picks the folder in a save dialog). */
export function isSaveFileName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 200 || !/^[^/\\:*?"<>|\0]+$/.test(value) || value.startsWith('.')) return false;
  const extension = value.split('.').pop()?.toLowerCase() ?? '';
  return SAVE_EXTENSIONS.includes(extension);
}

/** Checks a webview message's shape and values; only known fields of known types pass. */
export function parseWebviewMessage(value: unknown): ParsedMessage {
  if (!isRecord(value) || typeof value.type !== 'string') return refuse('not an object with a string "type"');
  switch (value.type) {
    case 'requestState': {
      if (!Number.isSafeInteger(value.requestId) || (value.requestId as number) < 0) return refuse('requestState: "requestId" is not a non-negative integer');
      if (value.compare === undefined) return { ok: true, message: { type: 'requestState', requestId: value.requestId as number } };
      const compare = runIds(value.compare, MAX_COMPARED_RUNS);
      return compare ? { ok: true, message: { type: 'requestState', requestId: value.requestId as number, compare } } : refuse(`requestState: "compare" is not a list of at most ${MAX_COMPARED_RUNS} run folder names`);
    }
    case 'compareRuns': {
      const ids = runIds(value.ids, MAX_COMPARED_RUNS);
      return ids ? { ok: true, message: { type: 'compareRuns', ids } } : refuse(`compareRuns: "ids" is not a list of at most ${MAX_COMPARED_RUNS} run folder names`);
    }
    case 'deleteRuns': {
      const ids = runIds(value.ids, MAX_DELETED_RUNS);
      return ids && ids.length > 0 ? { ok: true, message: { type: 'deleteRuns', ids } } : refuse('deleteRuns: "ids" is not a non-empty list of run folder names');
    }
    case 'compareWith':
    case 'renameRun':
    case 'revealRun':
    case 'openRunConfig': {
      const type = value.type;
      return isRunId(value.id) ? { ok: true, message: { type, id: value.id } } : refuse(`${type}: "id" is not a run folder name`);
    }
    case 'setSmoothing': {
      const { smoothing } = value;
      return typeof smoothing === 'number' && smoothing >= 0 && smoothing <= MAX_SMOOTHING
        ? { ok: true, message: { type: 'setSmoothing', smoothing } }
        : refuse(`setSmoothing: "smoothing" is not a number from 0 to ${MAX_SMOOTHING}`);
    }
    case 'cancelRun':
      return { ok: true, message: { type: 'cancelRun' } };
    case 'openRun':
      if (!isRunId(value.id)) return refuse('openRun: "id" is not a run folder name');
      if (value.inPanel !== undefined && typeof value.inPanel !== 'boolean') return refuse('openRun: "inPanel" is not a boolean');
      return { ok: true, message: value.inPanel ? { type: 'openRun', id: value.id, inPanel: true } : { type: 'openRun', id: value.id } };
    case 'setStart':
      return isStart(value.start) ? { ok: true, message: { type: 'setStart', start: [value.start[0], value.start[1]] } } : refuse('setStart: "start" is not two finite numbers');
    case 'saveFile': {
      const { fileName, data, encoding } = value;
      if (!isSaveFileName(fileName)) return refuse(`saveFile: "fileName" must be a bare name ending in ${SAVE_EXTENSIONS.join(', ')}`);
      if (encoding !== 'utf8' && encoding !== 'base64') return refuse('saveFile: "encoding" must be utf8 or base64');
      if (typeof data !== 'string' || data.length > MAX_SAVE_CHARACTERS) return refuse('saveFile: "data" must be a string of at most 64 MiB');
      if (encoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return refuse('saveFile: "data" is not base64');
      return { ok: true, message: { type: 'saveFile', fileName, data, encoding } };
    }
    default:
      return refuse(`unknown message type "${value.type.slice(0, 40)}"`);
  }
}
