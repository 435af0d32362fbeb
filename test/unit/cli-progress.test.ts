import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressPrinter, rateText, stageOf } from '../../src/cli/progress';

function recorder() {
  const chunks: string[] = [];
  return { chunks, stream: { write: (text: string) => chunks.push(text), columns: 60 } };
}

test('off a terminal: a line per stage change, else one every few seconds, never the same line twice', () => {
  const { chunks, stream } = recorder();
  let clock = 0;
  const printer = new ProgressPrinter(stream, { interactive: false, now: () => clock, lineIntervalMs: 3000 });
  // 20 identical reports of the dense Hessian within a second, then the next stage
  for (let i = 0; i < 20; i++, clock += 50) printer.progress(0.52, 'Hessian: dense Hessian');
  for (let i = 0; i < 200; i++, clock += 100) printer.progress(0.6 + i / 1000, `Hessian: Lanczos ${i}/200`);
  printer.progress(0.9, 'Hessian: trace');
  const lines = chunks.join('').split('\n').filter(Boolean);
  assert.equal(lines.filter((line) => line.includes('dense Hessian')).length, 1);
  // 20 s of Lanczos: its first line, then one every 3 s
  assert.equal(lines.filter((line) => line.includes('Lanczos')).length, 7);
  assert.equal(lines.at(-1)?.startsWith('[ 90%] Hessian: trace'), true);
  assert.equal(new Set(lines).size, lines.length, 'no line repeats');
  assert.ok(!chunks.join('').includes('\r'));
});

test('on a terminal: one status line redrawn in place, log lines above it, cleared at the end', () => {
  const { chunks, stream } = recorder();
  let clock = 0;
  const printer = new ProgressPrinter(stream, { interactive: true, now: () => clock, redrawIntervalMs: 100 });
  for (let i = 0; i <= 100; i++, clock += 20) printer.progress(i / 100, `sgd: step ${i * 10}/1000`);
  printer.log('loaded 200 rows');
  printer.finish();
  const text = chunks.join('');
  assert.equal(text.split('\n').length - 1, 1, 'the only newline ends the log line');
  assert.ok(chunks.filter((chunk) => chunk.startsWith('\r\x1b[2K[')).length <= 22, 'redrawn at most every 100 ms');
  const clearLine = '\r\x1b[2K';
  assert.match(text.split(clearLine).join('|'), /\|\[ *\d+%\] sgd: step \d+\/1000 \(\d[\d.]*%\/s, about \d+ s left\)/);
  assert.ok(chunks.every((chunk) => chunk.replace(clearLine, '').replace(/\n$/, '').length <= 59), 'fits the terminal width');
  assert.equal(chunks.at(-1), '\r\x1b[2K');
});

test('stages ignore numbers; the rate and time left come from the fraction done', () => {
  assert.equal(stageOf('adam: step 4096/1000000'), stageOf('adam: step 8192/1000000'));
  assert.notEqual(stageOf('Hessian: Lanczos'), stageOf('Hessian: trace'));
  assert.equal(rateText(0.25, 10), '2.5%/s, about 30 s left');
  assert.equal(rateText(0.001, 10), '');
  assert.equal(rateText(0.01, 100), '0.010%/s, about 2.8 h left');
});
