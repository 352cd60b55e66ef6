// What `simq recommend` decides and writes (recommendation.json). Part of the run-directory contract:
// the HTML report and the exports read these types. They come from the zod schema
// (recommendationSchema.ts), which also checks the file where it is read and generates
// recommendation.schema.json; the field comments are there.
// A leaf: it imports no module of recommend/ but the schema, so every stage and the report can import
// it without a cycle.
//
// Units: fields ending in `Kbps` are kilobits per second; `maxBitrate` and fields ending in `Bps` are
// bits per second (the unit of RTCRtpEncodingParameters.maxBitrate).
import type { z } from 'zod';
import type {
  acrossClipsLayerSchema,
  clipLayerAdviceSchema,
  codecRecommendationSchema,
  curvePointSchema,
  layerAdviceSchema,
  layerCandidateSchema,
  layerSelectionSchema,
  maxBitrateAdviceSchema,
  metricChoiceSchema,
  modeAtSizeSchema,
  provenanceSchema,
  qualityPointSchema,
  recommendationSchema,
  recommendationWarningSchema,
  recommendSettingsSchema,
  selectableLayerSchema,
  selectionCellSchema,
  senderScenarioSchema,
  sizeScoreSchema,
  svcSenderSchema,
  svcVersusSimulcastRowSchema,
  viewerSizeAnswerSchema,
} from './recommendationSchema.js';

export { RECOMMENDATION_SCHEMA } from './recommendationSchema.js';
export {
  RECOMMENDATION_CSV as RECOMMENDATION_CSV_FILE,
  RECOMMENDATION_JSON as RECOMMENDATION_FILE,
} from '../rundir/RunFiles.js';

export type MetricChoice = z.infer<typeof metricChoiceSchema>;
export type RecommendSettings = z.infer<typeof recommendSettingsSchema>;
export type Provenance = z.infer<typeof provenanceSchema>;
export type SizeScore = z.infer<typeof sizeScoreSchema>;
export type QualityPoint = z.infer<typeof qualityPointSchema>;
export type CurvePoint = z.infer<typeof curvePointSchema>;
export type MaxBitrateAdvice = z.infer<typeof maxBitrateAdviceSchema>;
/** How the maxBitrate advice was found (recommendationSchema.ts maxBitrateRule). */
export type MaxBitrateRule = MaxBitrateAdvice['rule'];
/** Whether a layer is the highest one the sender sends (gets up to its max) or a lower one (gets its target). */
export type LayerRole = MaxBitrateAdvice['role'];
export type LayerAdvice = z.infer<typeof layerAdviceSchema>;
export type LayerCandidate = z.infer<typeof layerCandidateSchema>;
export type ViewerSizeAnswer = z.infer<typeof viewerSizeAnswerSchema>;
export type SelectableLayer = z.infer<typeof selectableLayerSchema>;
export type SelectionCell = z.infer<typeof selectionCellSchema>;
export type SenderScenario = z.infer<typeof senderScenarioSchema>;
export type SvcSender = z.infer<typeof svcSenderSchema>;
export type LayerSelection = z.infer<typeof layerSelectionSchema>;
export type CodecRecommendation = z.infer<typeof codecRecommendationSchema>;
export type RecommendationWarning = z.infer<typeof recommendationWarningSchema>;
export type Recommendation = z.infer<typeof recommendationSchema>;
export type ClipLayerAdvice = z.infer<typeof clipLayerAdviceSchema>;
export type AcrossClipsLayer = z.infer<typeof acrossClipsLayerSchema>;
export type ModeAtSize = z.infer<typeof modeAtSizeSchema>;
export type SvcVersusSimulcastRow = z.infer<typeof svcVersusSimulcastRowSchema>;
