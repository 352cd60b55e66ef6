// The JSON Schemas simq publishes for its files, generated from the zod schemas that also type and
// check them (`npm run schemas` writes them to schemas/; test/schemas.unit.test.ts fails when the
// committed files differ from what this returns, so they cannot drift).
import { z } from 'zod';
import { runRecordSchema } from './runSchema.js';
import { studyFileSchema } from '../study/studySchema.js';
import { RECOMMENDATION_SCHEMA, recommendationSchema } from '../recommend/recommendationSchema.js';

/**
 * The file a record is read from, as a JSON Schema: input form, so extra fields stay allowed where
 * readers allow them; a schema used in more than one place once, under $defs.
 */
function jsonSchema(schema: z.ZodType, title: string): object {
  return {
    title,
    ...z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', reused: 'ref' }),
  };
}

/** File name (under schemas/) -> its JSON Schema. */
export function publishedSchemas(): Record<string, object> {
  return {
    'run.schema.json': jsonSchema(runRecordSchema, 'simq run.json (simq.run/2)'),
    'study.schema.json': jsonSchema(studyFileSchema, 'simq study file'),
    'recommendation.schema.json': {
      $id: 'urn:simq:recommendation:1',
      ...jsonSchema(recommendationSchema, `simq recommendation.json (${RECOMMENDATION_SCHEMA})`),
      description:
        "Decisions of `simq recommend`: per codec the maxBitrate advice per layer, the best layer per render size, the SFU layer-selection table, the recommended encodings, and warnings; a study adds every clip's and the across-clips maxBitrate. Fields ending in Kbps are kbps; maxBitrate and fields ending in Bps are bps.",
    },
  };
}
