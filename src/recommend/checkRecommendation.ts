// recommendation.json comes from disk (the report reads the run's; simq viewers --recommendation
// takes any file): checked against its schema before use, so an edited or foreign file is an
// InputError naming the field by its JSON path, never a TypeError inside the report or an export.
import { InputError } from '../errors.js';
import { describeIssue } from '../rundir/validateRunRecord.js';
import { RECOMMENDATION_SCHEMA, recommendationSchema } from './recommendationSchema.js';
import type { Recommendation } from './RecommendationTypes.js';

/** `raw` (parsed JSON of `file`) as a Recommendation, or an InputError with `fix`. */
export function checkRecommendation(raw: unknown, file: string, fix: string): Recommendation {
  const schema = (raw as { schema?: unknown } | null)?.schema;
  if (schema !== RECOMMENDATION_SCHEMA)
    throw new InputError(
      `${file}: schema "${String(schema)}" is not ${RECOMMENDATION_SCHEMA}; this simq cannot read it`,
      fix,
    );
  const result = recommendationSchema.safeParse(raw);
  if (!result.success) {
    const [first] = result.error.issues;
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
    throw new InputError(`${file}: ${describeIssue(first, raw)}${more}`, fix);
  }
  return raw as Recommendation;
}
