/**
 * Validation of every message a webview posts, before the host acts on it: a webview's page is
 * untrusted input. Returns the typed message, or the reason it was refused (for the log).
 */
import { OPTIMIZER_NAMES } from '../core/optimizers';
import { SURFACE_NAMES } from '../core/surfaces/catalog';
import type { WebviewToHost } from '../protocol';

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
    case 'requestState':
      return Number.isSafeInteger(value.requestId) && (value.requestId as number) >= 0
        ? { ok: true, message: { type: 'requestState', requestId: value.requestId as number } }
        : refuse('requestState: "requestId" is not a non-negative integer');
    case 'cancelRun':
      return { ok: true, message: { type: 'cancelRun' } };
    case 'openRun':
      return isRunId(value.id) ? { ok: true, message: { type: 'openRun', id: value.id } } : refuse('openRun: "id" is not a run folder name');
    case 'setStart':
      return isStart(value.start) ? { ok: true, message: { type: 'setStart', start: [value.start[0], value.start[1]] } } : refuse('setStart: "start" is not two finite numbers');
    case 'runRace': {
      const { surface, optimizers, start } = value;
      if (typeof surface !== 'string' || !(SURFACE_NAMES as string[]).includes(surface)) return refuse('runRace: "surface" is not a built-in surface');
      if (!Array.isArray(optimizers) || optimizers.length === 0 || optimizers.length > OPTIMIZER_NAMES.length) return refuse('runRace: "optimizers" must list 1 to 9 names');
      if (!optimizers.every((name) => typeof name === 'string' && (OPTIMIZER_NAMES as readonly string[]).includes(name))) return refuse('runRace: unknown optimizer name');
      if (!isStart(start)) return refuse('runRace: "start" is not two finite numbers');
      return { ok: true, message: { type: 'runRace', surface, optimizers: [...new Set(optimizers as string[])], start: [start[0], start[1]] } };
    }
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
