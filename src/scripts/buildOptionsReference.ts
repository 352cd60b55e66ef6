// `npm run docs:options`: rewrites docs/options.md from the CLI's own definitions.
import path from 'node:path';
import { buildProgram } from '../cli.js';
import { optionsReference } from '../docs/optionsReference.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { packageRoot } from '../paths.js';

const out = path.join(packageRoot(), 'docs', 'options.md');
writeFileAtomic(out, optionsReference(await buildProgram()));
console.log(`wrote ${out}`);
