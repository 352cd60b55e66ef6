// The id a clip's scenarios carry: its file name (made folder-safe) and the start of its sha256, so
// two clips with the same name but other content never share scenario folders.
import path from 'node:path';

/** Hex digits of the source's sha256 in the id: 8 (32 bits) tell a handful of clips apart. */
const HASH_CHARS = 8;

export function clipIdOf(source: string, sourceSha256: string): string {
  const name =
    path
      .parse(source)
      .name.replace(/[^A-Za-z0-9_-]/g, '_')
      .replace(/^[_-]+/, '')
      .slice(0, 40) || 'clip';
  return `${name}-${sourceSha256.slice(0, HASH_CHARS)}`;
}

/** A scenario's id in a run: the plan's own id for a run of one clip, prefixed by the clip id otherwise. */
export function studyScenarioId(clipId: string, scenarioId: string, clipCount: number): string {
  return clipCount > 1 ? `${clipId}.${scenarioId}` : scenarioId;
}
