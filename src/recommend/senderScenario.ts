// Which measured scenario stands for what the app sends. The SFU table can only offer layers that are
// sent together, at the bitrates they get together, so it is built from one scenario per codec:
// --sender-scenario NAME (a scenario name such as "all-layers", or a scenario id such as
// "all-layers.vp8"), else the unswept, uncapped "all-layers" scenario, else the first complete one.
// An SVC scenario (one encoding, operating points cut from it) stands for the sender when it is
// named with --sender-scenario, or when the codec was measured as SVC only: the exports then carry
// its scalabilityMode and the SFU's spatial/temporal layers (svcSender.ts).
import { InputError } from '../errors.js';
import type { RunRecord, ScenarioRecord } from '../rundir/RunTypes.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import type { QualityPoint, SenderScenario } from './RecommendationTypes.js';
import { svcSender } from './svcSender.js';

export const DEFAULT_SENDER_SCENARIO = 'all-layers';

function plain(s: ScenarioRecord): boolean {
  return !s.scenario.sweepPoint && s.scenario.bandwidthBps === undefined;
}

/** Prefers scenarios without sweep values and caps, then run order. */
function preferPlain(list: ScenarioRecord[]): ScenarioRecord | undefined {
  return list.find(plain) ?? list[0];
}

export function chooseSenderScenario(
  run: RunRecord,
  codec: Codec,
  points: readonly QualityPoint[],
  asked?: string,
): SenderScenario | undefined {
  // An SVC scenario measured for another codec only (e.g. VP9 L3T3_KEY next to VP8 simulcast): naming
  // it chooses the SVC sender of that codec and leaves this codec on its default sender.
  const sameName = (s: ScenarioRecord) => s.id === asked || s.scenario.name === asked;
  const svcElsewhere =
    asked !== undefined &&
    !run.scenarios.some((s) => s.scenario.codec === codec && sameName(s)) &&
    run.scenarios.some((s) => s.scenario.codec !== codec && sameName(s) && svcSender(s) !== undefined);
  const requested = svcElsewhere ? undefined : asked;
  const measured = new Set(points.filter((p) => p.codec === codec).map((p) => p.scenarioId));
  const measuredOfCodec = run.scenarios.filter((s) => s.scenario.codec === codec && measured.has(s.id));
  const svcOfCodec = measuredOfCodec.filter((s) => svcSender(s) !== undefined);
  // SVC scenarios (operating points, no encoding per layer) stand for the sender only when named, or
  // when nothing else of the codec was measured.
  const simulcastOfCodec = measuredOfCodec.filter((s) => !s.layers.some((l) => l.svcPoint));
  const svcOnly = simulcastOfCodec.length === 0 && svcOfCodec.length > 0;
  const named =
    requested !== undefined ? svcOfCodec.find((s) => s.id === requested || s.scenario.name === requested) : undefined;
  if (named || (svcOnly && requested === undefined)) {
    const chosenSvc = named ?? svcOfCodec[0];
    return {
      id: chosenSvc.id,
      name: chosenSvc.scenario.name,
      reason: named
        ? `--sender-scenario ${requested} (SVC: one encoding, the SFU forwards its spatial/temporal layers)`
        : `only SVC was measured for ${codec}: the SVC scenario stands for the sender`,
      encodings: chosenSvc.scenario.encodings.map((e) => ({ ...e })),
      svc: svcSender(chosenSvc)!,
    };
  }
  const ofCodec = simulcastOfCodec;
  let chosen: ScenarioRecord | undefined;
  let reason: string;
  if (requested !== undefined) {
    chosen =
      ofCodec.find((s) => s.id === requested) ?? preferPlain(ofCodec.filter((s) => s.scenario.name === requested));
    if (!chosen) {
      const names = [...new Set(ofCodec.map((s) => s.scenario.name))];
      throw new InputError(
        `--sender-scenario ${requested}: no measured ${codec} scenario has that name or id (measured: ${names.join(', ') || 'none'})`,
        names.length ? `pass one of: ${names.join(', ')}` : undefined,
      );
    }
    reason = `--sender-scenario ${requested}`;
  } else {
    chosen = preferPlain(ofCodec.filter((s) => s.scenario.name === DEFAULT_SENDER_SCENARIO));
    reason = `the ${DEFAULT_SENDER_SCENARIO} scenario: every layer sent together, as an app sends them`;
    if (!chosen) {
      const complete = ofCodec.filter((s) => s.status === 'complete');
      chosen = preferPlain(complete.length ? complete : ofCodec);
      reason = `no ${DEFAULT_SENDER_SCENARIO} scenario was measured for ${codec}; the first ${complete.length ? 'complete' : 'measured'} scenario stands for the sender (choose with --sender-scenario)`;
    }
  }
  if (!chosen) return undefined;
  return {
    id: chosen.id,
    name: chosen.scenario.name,
    reason,
    encodings: chosen.scenario.encodings.map((e) => ({ ...e })),
  };
}
