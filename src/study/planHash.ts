// The fingerprint of an expanded plan: clips by content hash and prepared form, every scenario as it
// will be captured. Shards of one study and a resumed run must carry the same one.
import { createHash } from 'node:crypto';
import type { ClipRecord } from '../rundir/RunTypes.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';

/** JSON with object keys sorted, so the hash does not depend on property order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function planHash(
  clips: readonly Pick<ClipRecord, 'id' | 'sourceSha256' | 'width' | 'height' | 'fps' | 'frames'>[],
  scenarios: readonly Scenario[],
): string {
  const doc = {
    clips: clips.map((c) => ({
      id: c.id,
      sha256: c.sourceSha256,
      width: c.width,
      height: c.height,
      fps: c.fps,
      frames: c.frames,
    })),
    scenarios,
  };
  return createHash('sha256').update(canonical(doc)).digest('hex');
}
