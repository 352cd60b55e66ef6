// What the measure stage records in run.json's "measure" key (the CSVs it writes are in CsvTypes.ts).
// The types come from runSchema.ts, which defines the whole run.json once.
export type { ViewerMeasureRecord } from '../measure/viewer/ViewerMeasureTypes.js';
export type {
  FeedLevelShift,
  LayerMeasureRecord,
  MeasureRecord,
  MeasureSettings,
  PairingCounts,
  VmafBackend,
  VmafSetupDescription,
} from './runSchema.js';
