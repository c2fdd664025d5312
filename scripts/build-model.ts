/**
 * Builds the default offline embedding model into a models directory (if it is not there yet), with a
 * progress bar on stderr, and prints the model directory on stdout.
 *
 *   node dist/scripts/build-model.js [--models-dir ./models] [--max-words N]
 *
 * The Dockerfile runs it so images start without building; the service would otherwise build on first start.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDefaultModel, type ProgressEvent } from '../src/embedding/index.js';

const { values } = parseArgs({
  options: {
    'models-dir': { type: 'string', default: process.env.MODELS_DIR ?? './models' },
    'max-words': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stderr.write('usage: build-model [--models-dir DIR] [--max-words N]\n');
  process.exit(0);
}

const maxWords = values['max-words'] === undefined ? undefined : Number(values['max-words']);
if (maxWords !== undefined && (!Number.isInteger(maxWords) || maxWords < 1)) {
  process.stderr.write(`--max-words must be a positive integer, got ${values['max-words']}\n`);
  process.exit(2);
}

const interactive = process.stderr.isTTY === true;
let lastLine = '';
let lastPhase = '';

function formatAmount(phase: string, n: number): string {
  return phase.includes('onnx') ? `${(n / 1e6).toFixed(1)} MB` : n.toLocaleString('en');
}

function showProgress({ phase, done, total }: ProgressEvent): void {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const width = 30;
  const filled = Math.round(fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const line = `${phase.padEnd(14)} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatAmount(phase, done)} / ${formatAmount(phase, total)}`;
  if (interactive) {
    // Redraw in place; move to a new line when a phase ends.
    if (phase !== lastPhase && lastPhase !== '') process.stderr.write('\n');
    process.stderr.write(`\r${line}`);
    lastPhase = phase;
  } else if (phase !== lastPhase || fraction === 1) {
    // Logs (CI, docker build) get one line per phase start and end, not a carriage-return storm.
    if (line !== lastLine) process.stderr.write(`${line}\n`);
    lastLine = line;
    lastPhase = phase;
  }
}

const started = performance.now();
const dir = await ensureDefaultModel(path.resolve(values['models-dir']), { maxWords, onProgress: showProgress });
if (interactive && lastPhase !== '') process.stderr.write('\n');
const seconds = (performance.now() - started) / 1000;
process.stderr.write(lastPhase === '' ? `model already built: ${dir}\n` : `built ${dir} in ${seconds.toFixed(1)} s\n`);
process.stdout.write(`${dir}\n`);
