/**
 * Finding the Python that runs the PyTorch backend: the interpreter the user named (--python,
 * the setting landscapeLens.python) or, in order, the Python extension's interpreter and every
 * `python3` and `python` on the PATH; the first that imports torch wins. When none does, the
 * error lists each interpreter tried and why it failed, and how to fix it. No `vscode` here.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** An interpreter to try and where it came from ("--python", "the setting landscapeLens.python", "python3 on the PATH"). */
export interface InterpreterCandidate {
  path: string;
  source: string;
}

/** An interpreter that imports torch. */
export interface FoundInterpreter {
  path: string;
  source: string;
  /** e.g. "3.11.2". */
  python: string;
  /** torch.__version__, e.g. "1.13.0". */
  torch: string;
}

/** One failed candidate: the interpreter, where it came from and why it failed. */
export interface InterpreterFailure extends InterpreterCandidate {
  reason: string;
}

/** No candidate imports torch: the message lists every failure and the fixes. */
export class InterpreterNotFoundError extends Error {
  constructor(readonly failures: InterpreterFailure[], readonly fix: string) {
    super(describeFailures(failures, fix));
    this.name = 'InterpreterNotFoundError';
  }
}

/** The fix hint for the CLI; the extension passes its own (the setting, the Python extension). */
export const CLI_FIX = 'install PyTorch into one of them (e.g. `python3 -m pip install torch`, or Debian\'s `apt install python3-torch`), or name a Python that has it with --python PATH';
export const EXTENSION_FIX = 'install PyTorch into one of them (e.g. `python3 -m pip install torch`), select an interpreter that has it in the Python extension (Python: Select Interpreter), or set landscapeLens.python to its path';

function describeFailures(failures: InterpreterFailure[], fix: string): string {
  if (failures.length === 0) return `no Python interpreter found: there is no python3 or python on the PATH. Fix: ${fix}`;
  const tried = failures.map((failure) => `  ${failure.path} (${failure.source}): ${failure.reason}`).join('\n');
  return `no Python with PyTorch found. Tried:\n${tried}\nFix: ${fix}`;
}

/** The probe: prints the Python and torch versions as JSON on the last stdout line, or fails importing torch. */
const PROBE = 'import sys, json\nimport torch\nprint(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "torch": str(torch.__version__)}))';
const MINIMUM_PYTHON = [3, 8];

/** Runs the probe in `path`: resolves with its versions, or a reason it cannot run the backend. */
export function probeInterpreter(path: string, timeoutMs = 120_000): Promise<{ python: string; torch: string } | { reason: string }> {
  return new Promise((resolve) => {
    execFile(path, ['-c', PROBE], { timeout: timeoutMs, windowsHide: true, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ reason: 'not found' });
        if (code === 'EACCES') return resolve({ reason: 'not executable (permission denied)' });
        if (error.killed) return resolve({ reason: `did not finish importing torch within ${Math.round(timeoutMs / 1000)} s` });
        return resolve({ reason: lastLine(stderr) || error.message });
      }
      try {
        const answer = JSON.parse(lastLine(stdout)) as { python: string; torch: string };
        const [major, minor] = answer.python.split('.').map(Number);
        if (major < MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor < MINIMUM_PYTHON[1])) return resolve({ reason: `Python ${answer.python} is too old: the backend needs ${MINIMUM_PYTHON.join('.')} or newer` });
        resolve(answer);
      } catch {
        resolve({ reason: `not a Python interpreter (its output: ${JSON.stringify(lastLine(stdout).slice(0, 80))})` });
      }
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split(/\r?\n/).at(-1)?.trim() ?? '';
}

/** Every `python3` and then `python` in each folder of the PATH, in PATH order (as `which -a`), each real file once. */
export function pathCandidates(pathVariable = process.env.PATH ?? '', platform = process.platform): InterpreterCandidate[] {
  const names = platform === 'win32' ? ['python3.exe', 'python.exe'] : ['python3', 'python'];
  const seen = new Set<string>();
  const candidates: InterpreterCandidate[] = [];
  for (const folder of pathVariable.split(platform === 'win32' ? ';' : delimiter)) {
    if (!folder) continue;
    for (const name of names) {
      const path = join(folder, name);
      if (!isExecutableFile(path)) continue;
      let real = path;
      try {
        real = realpathSync(path);
      } catch {
        // a dangling link is tried, and reported, as it is
      }
      if (seen.has(real)) continue;
      seen.add(real);
      candidates.push({ path, source: `${name.replace(/\.exe$/, '')} on the PATH` });
    }
  }
  return candidates;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Successful probes by path and modification time, so a session probes each interpreter once. */
const probed = new Map<string, { python: string; torch: string }>();

function probeKey(path: string): string {
  try {
    return `${path}|${statSync(path).mtimeMs}`;
  } catch {
    return path;
  }
}

/** The first candidate that imports torch; InterpreterNotFoundError listing each failure otherwise. */
export async function findInterpreter(candidates: InterpreterCandidate[], fix = CLI_FIX, probe = probeInterpreter): Promise<FoundInterpreter> {
  const failures: InterpreterFailure[] = [];
  for (const candidate of candidates) {
    const key = probeKey(candidate.path);
    const answer = probed.get(key) ?? (await probe(candidate.path));
    if ('reason' in answer) {
      failures.push({ ...candidate, reason: answer.reason });
      continue;
    }
    probed.set(key, answer);
    return { ...candidate, ...answer };
  }
  throw new InterpreterNotFoundError(failures, fix);
}

/**
 * The candidates in the order they are tried: an explicit choice (--python, the setting) alone;
 * else the Python extension's interpreter, then every python3 and python on the PATH.
 */
export function interpreterCandidates(choice: { explicit?: InterpreterCandidate; pythonExtension?: string; pathVariable?: string }): InterpreterCandidate[] {
  if (choice.explicit) return [choice.explicit];
  const candidates: InterpreterCandidate[] = [];
  if (choice.pythonExtension) candidates.push({ path: choice.pythonExtension, source: 'the interpreter selected in the Python extension' });
  for (const candidate of pathCandidates(choice.pathVariable)) if (!candidates.some((known) => known.path === candidate.path)) candidates.push(candidate);
  return candidates;
}
