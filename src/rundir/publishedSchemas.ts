// The JSON Schemas simq publishes for its files, generated from the zod schemas that also type and
// check them (`npm run schemas` writes them to schemas/; test/schemas.unit.test.ts fails when the
// committed files differ from what this returns, so they cannot drift).
import { z } from 'zod';
import { runRecordSchema } from './runSchema.js';
import { studyFileSchema } from '../study/studySchema.js';

/** The file a record is read from, as a JSON Schema: input form, so extra fields stay allowed where readers allow them. */
function jsonSchema(schema: z.ZodType, title: string): object {
  return {
    title,
    ...z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }),
  };
}

/** File name (under schemas/) -> its JSON Schema. */
export function publishedSchemas(): Record<string, object> {
  return {
    'run.schema.json': jsonSchema(runRecordSchema, 'simq run.json (simq.run/2)'),
    'study.schema.json': jsonSchema(studyFileSchema, 'simq study file'),
  };
}
