// Runs the PyTorch backend's Python tests (test/python) with the first interpreter that imports
// torch: $LANDSCAPE_LENS_PYTHON, /usr/bin/python3, python3, python. Fails, naming what was tried,
// when none does.
import { spawnSync } from 'node:child_process';

const candidates = [process.env.LANDSCAPE_LENS_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(Boolean);
const tried = [];
for (const python of candidates) {
  const probe = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status === 0) {
    console.log(`test:python: ${python} (torch ${probe.stdout.trim()})`);
    const run = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'test/python', ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(run.status ?? 1);
  }
  tried.push(`${python}: ${probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`)}`);
}
console.error(`test:python: no Python that imports torch and numpy. Tried:\n  ${tried.join('\n  ')}\nInstall PyTorch (Debian: apt-get install python3-torch) or set LANDSCAPE_LENS_PYTHON.`);
process.exit(1);
