// `npm run schemas`: writes schemas/*.schema.json from the zod schemas (src/rundir/publishedSchemas.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedSchemas } from '../rundir/publishedSchemas.js';

const dir = fileURLToPath(new URL('../../schemas/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const [file, schema] of Object.entries(publishedSchemas())) {
  writeFileSync(path.join(dir, file), JSON.stringify(schema, null, 2) + '\n');
  process.stdout.write(`wrote ${path.join('schemas', file)}\n`);
}
