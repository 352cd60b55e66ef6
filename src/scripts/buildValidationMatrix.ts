// `npm run matrix -- <run-dir> [<run-dir>...]`: builds data/validation-matrix.json from capture runs
// (e.g. `simq capture --codec vp8,h264,vp9,av1 --scenario all-layers,top-off,boost-mid
// --bandwidth 300k,800k,1500k,3000k`) and prints the Markdown table for docs/validation-matrix.md.
// `npm run matrix -- --add <run-dir>...` adds the runs' cells to the committed matrix instead (runs of
// another camera size keep their own input per cell).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildMatrix, matrixMarkdown, matrixSummary, type ValidationMatrix } from '../allocation/validationMatrix.js';
import { writeJsonAtomic } from '../io/atomicWrite.js';
import { packageRoot } from '../paths.js';

const args = process.argv.slice(2);
const add = args[0] === '--add';
const dirs = add ? args.slice(1) : args;
const out = path.join(packageRoot(), 'data', 'validation-matrix.json');
if (dirs.length === 0 && !add) {
  console.error('usage: npm run matrix -- [--add] <run-dir> [<run-dir>...]');
  process.exit(2);
}
const base = add ? (JSON.parse(readFileSync(out, 'utf8')) as ValidationMatrix) : undefined;
const matrix = dirs.length ? buildMatrix(dirs, base) : base!;
writeJsonAtomic(out, matrix);
console.log(matrixMarkdown(matrix));
console.log(`\n${matrixSummary(matrix)}; wrote ${out}`);
