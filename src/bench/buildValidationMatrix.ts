// `npm run matrix -- <run-dir> [<run-dir>...]`: builds data/validation-matrix.json from capture runs
// (e.g. `simq capture --codec vp8,h264,vp9,av1 --scenario all-layers,top-off,boost-mid
// --bandwidth 300k,800k,1500k,3000k`) and prints the Markdown table for README.
import path from 'node:path';
import { buildMatrix, compareCell, matrixMarkdown } from '../allocation/validationMatrix.js';
import { writeJsonAtomic } from '../io/atomicWrite.js';
import { packageRoot } from '../paths.js';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npm run matrix -- <run-dir> [<run-dir>...]');
  process.exit(2);
}
const matrix = buildMatrix(dirs);
const out = path.join(packageRoot(), 'data', 'validation-matrix.json');
writeJsonAtomic(out, matrix);
console.log(matrixMarkdown(matrix));
const comparisons = matrix.cells.map((c) => compareCell(matrix, c));
console.log(`\n${comparisons.filter((c) => c.ok).length} of ${comparisons.length} cells match (active layers and targets within 10%); wrote ${out}`);
