// --format json: recommendation.json itself (the whole decision record). Its provenance is the
// "provenance" member; the document validates against schemas/recommendation.schema.json.
import type { Recommendation } from '../RecommendationTypes.js';

export function renderRecommendationJson(rec: Recommendation): string {
  return JSON.stringify(rec, null, 2) + '\n';
}
