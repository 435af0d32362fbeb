// Runs every *.test.js compiled next to this file inside the extension host (code-server or
// desktop VS Code). Test files use mocha's TDD globals: suite, test, suiteSetup, suiteTeardown.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

type Body = () => unknown;

interface TestCase {
  name: string;
  body: Body;
  timeoutMs: number;
  skipped: boolean;
}

interface Suite {
  name: string;
  setups: Body[];
  teardowns: Body[];
  tests: TestCase[];
  children: Suite[];
}

declare global {
  /** Groups tests; suites nest. */
  function suite(name: string, body: () => void): void;
  /** One test; a returned promise is awaited, bounded by timeoutMs (default 120 s). */
  function test(name: string, body: Body, timeoutMs?: number): void;
  /** Runs once before the tests of the enclosing suite. */
  function suiteSetup(body: Body): void;
  /** Runs once after the tests of the enclosing suite, even when one failed. */
  function suiteTeardown(body: Body): void;
}

const defaultTimeoutMs = 120_000;

function newSuite(name: string): Suite {
  return { name, setups: [], teardowns: [], tests: [], children: [] };
}

/** Makes suite/test/suiteSetup/suiteTeardown global; they collect into a tree under `root`. */
function installGlobals(root: Suite): void {
  const stack = [root];
  const current = (): Suite => stack[stack.length - 1];
  Object.assign(globalThis, {
    suite(name: string, body: () => void) {
      const child = newSuite(name);
      current().children.push(child);
      stack.push(child);
      try {
        body();
      } finally {
        stack.pop();
      }
    },
    test(name: string, body: Body, timeoutMs = defaultTimeoutMs) {
      current().tests.push({ name, body, timeoutMs, skipped: false });
    },
    suiteSetup: (body: Body) => current().setups.push(body),
    suiteTeardown: (body: Body) => current().teardowns.push(body),
  });
}

function withTimeout(body: Body, timeoutMs: number, what: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([Promise.resolve().then(body), timeout]).finally(() => clearTimeout(timer));
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

interface Tally {
  passed: number;
  failed: string[];
  skipped: number;
}

async function runSuite(suite: Suite, path: string[], grep: RegExp | undefined, tally: Tally): Promise<void> {
  const names = suite.name ? [...path, suite.name] : path;
  const label = names.join(' > ');
  try {
    for (const setup of suite.setups) await withTimeout(setup, defaultTimeoutMs, `suiteSetup of ${label}`);
  } catch (error) {
    tally.failed.push(`${label} (suiteSetup)`);
    console.log(`not ok - ${label} suiteSetup\n${describeError(error)}`);
    return;
  }
  for (const testCase of suite.tests) {
    const fullName = [...names, testCase.name].join(' > ');
    if (testCase.skipped || (grep && !grep.test(fullName))) {
      tally.skipped += 1;
      console.log(`skip - ${fullName}`);
      continue;
    }
    const started = Date.now();
    try {
      await withTimeout(testCase.body, testCase.timeoutMs, fullName);
      tally.passed += 1;
      console.log(`ok - ${fullName} (${Date.now() - started} ms)`);
    } catch (error) {
      tally.failed.push(fullName);
      console.log(`not ok - ${fullName} (${Date.now() - started} ms)\n${describeError(error)}`);
    }
  }
  for (const child of suite.children) await runSuite(child, names, grep, tally);
  for (const teardown of suite.teardowns) {
    try {
      await withTimeout(teardown, defaultTimeoutMs, `suiteTeardown of ${label}`);
    } catch (error) {
      tally.failed.push(`${label} (suiteTeardown)`);
      console.log(`not ok - ${label} suiteTeardown\n${describeError(error)}`);
    }
  }
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.js') ? [path] : [];
    })
    .sort();
}

/** Entry point the extension host calls (extensionTestsPath); rejects when a test failed. */
export async function run(): Promise<void> {
  const root = newSuite('');
  installGlobals(root);
  const files = testFiles(__dirname);
  if (files.length === 0) throw new Error(`no *.test.js files next to ${__filename}; compile them: node scripts/e2e-build-tests.mjs`);
  // Each file's top-level suite()/test() calls land in a suite named after the file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- test files are found at run time
  for (const file of files) suite(relative(__dirname, file), () => require(file));
  const grepSource = process.env.LANDSCAPE_LENS_TEST_GREP;
  const tally: Tally = { passed: 0, failed: [], skipped: 0 };
  const started = Date.now();
  await runSuite(root, [], grepSource ? new RegExp(grepSource) : undefined, tally);
  console.log(`# ${tally.passed} passed, ${tally.failed.length} failed, ${tally.skipped} skipped in ${Date.now() - started} ms`);
  if (tally.failed.length > 0) throw new Error(`${tally.failed.length} test(s) failed:\n  ${tally.failed.join('\n  ')}`);
}
