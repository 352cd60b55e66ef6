// The one CSV reader (src/io/readCsv.ts) as each run-directory file uses it: cells found by column
// name, numbers parsed, empty cells undefined, and errors that name the file, line, column and value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvText } from '../src/io/readCsv.js';
import { readLayerFramesCsv } from '../src/measure/alignment/layerFramesCsv.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
};

describe('<rid>.frames.csv', () => {
  it('reads columns by name in any order, quoted cells included, older files without the optional columns', () => {
    const f = file('a.frames.csv', 'rtp_timestamp,frame_index,"type",bytes\r\n3000,0,key,"1200"\r\n6000,1,delta,\r\n');
    expect(readLayerFramesCsv(f)).toEqual([
      {
        frameIndex: 0,
        rtpTimestamp: 3000,
        type: 'key',
        bytes: 1200,
        timeS: undefined,
        temporalIndex: undefined,
        width: undefined,
        height: undefined,
      },
      {
        frameIndex: 1,
        rtpTimestamp: 6000,
        type: 'delta',
        bytes: undefined,
        timeS: undefined,
        temporalIndex: undefined,
        width: undefined,
        height: undefined,
      },
    ]);
  });

  it('names what is wrong', () => {
    expect(() => readLayerFramesCsv(file('empty.frames.csv', ''))).toThrow(
      /is empty: expected a header row with frame_index, rtp_timestamp/,
    );
    expect(() => readLayerFramesCsv(file('nocol.frames.csv', 'frame_index,time_s\n'))).toThrow(
      /missing column\(s\) rtp_timestamp/,
    );
    expect(() => readLayerFramesCsv(file('blank.frames.csv', 'frame_index,rtp_timestamp\n0,\n'))).toThrow(
      /line 2: rtp_timestamp is empty/,
    );
    expect(() => readLayerFramesCsv(file('nan.frames.csv', 'frame_index,rtp_timestamp\n0,x9\n'))).toThrow(
      /line 2: rtp_timestamp "x9" is not a number/,
    );
    expect(() => readLayerFramesCsv(file('type.frames.csv', 'frame_index,rtp_timestamp,type\n0,1,b\n'))).toThrow(
      /line 2: type "b" is neither key nor delta/,
    );
  });
});

describe('parseCsvText', () => {
  it('keeps an empty numeric cell undefined, never 0, and text as text', () => {
    const rows = parseCsvText('rid,target_kbps\nq,\nh,300\n', 'stats.csv', {
      required: ['rid'],
      numeric: ['target_kbps'],
      fix: '-',
    });
    expect(rows).toEqual([
      { rid: 'q', target_kbps: undefined },
      { rid: 'h', target_kbps: 300 },
    ]);
  });

  it('checks the header of a file with no rows', () => {
    expect(parseCsvText('rid,target_kbps\n', 'stats.csv', { required: ['rid'], numeric: [], fix: '-' })).toEqual([]);
    expect(() => parseCsvText('second\n', 'stats.csv', { required: ['rid'], numeric: [], fix: '-' })).toThrow(
      /stats\.csv: missing column\(s\) rid \(has second\)/,
    );
  });
});
