// The run directory's contract (src/rundir): the CSV columns each stage writes are the ones runs have
// always had (listed here by hand from docs/run-directory.md, not from the schemas),
// the run-level pictures.csv is still found under its old name frames.csv, and run.json's measure
// record is checked before recommend and report read it.
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { toCsv } from '../src/io/csv.js';
import { numericColumnsOf } from '../src/io/csvSchema.js';
import {
  LAYER_FRAMES_COLUMNS,
  PICTURE_COLUMNS,
  PICTURES_SCHEMA,
  QUALITY_COLUMNS,
  STATS_COLUMNS,
  STATS_SCHEMA,
  type LayerFrameRow,
} from '../src/rundir/CsvTypes.js';
import { readRunRecord } from '../src/rundir/RunDirectory.js';
import { layerFile, picturesCsvToRead, scenarioDir, workDir } from '../src/rundir/RunFiles.js';
import { loadReportInputs } from '../src/report/loadReportInputs.js';

const FIXTURE = fileURLToPath(new URL('fixtures/report-run', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-contract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function copyFixture(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe('CSV columns', () => {
  it('are the columns docs/run-directory.md documents, in that order', () => {
    expect(LAYER_FRAMES_COLUMNS).toEqual([
      'frame_index',
      'rtp_timestamp',
      'time_s',
      'bytes',
      'type',
      'temporal_index',
      'width',
      'height',
      'spatial_index',
      'frame_id',
      'dependencies',
    ]);
    expect(STATS_COLUMNS).toEqual([
      'second',
      't_s',
      'warmup',
      'rid',
      'ssrc',
      'active',
      'target_kbps',
      'actual_kbps',
      'fps',
      'width',
      'height',
      'qp_avg',
      'quality_limitation_reason',
      'limitation_cpu_s',
      'limitation_bandwidth_s',
      'encoder_implementation',
      'scalability_mode',
      'frames_encoded',
      'key_frames_encoded',
      'available_outgoing_kbps',
      'bandwidth_cap_kbps',
      'link_rate_kbps',
      'link_delivered_kbps',
      'link_drops',
      'link_backlog_bytes',
      'link_loss_drops',
      'nack_count',
    ]);
    expect(QUALITY_COLUMNS).toEqual([
      'scenario_id',
      'scenario',
      'codec',
      'bandwidth_kbps',
      'rid',
      'layer',
      'size',
      'view',
      'max_bitrate_kbps',
      'target_kbps',
      'actual_kbps',
      'fps',
      'frames',
      'dropped',
      'vmaf_mean',
      'vmaf_hmean',
      'vmaf_p5',
      'vmaf_min',
      'psnr_y_mean',
      'psnr_avg_mean',
      'ssim_mean',
      'alignment_confidence',
      'paired_verified',
      'paired_tied',
      'paired_repaired',
      'paired_ambiguous',
      'pairing',
      'temporal_layer',
      'op_fps',
      'op_kbps',
      'browser',
      'freeze_count',
      'freeze_s',
      'switches_per_min',
    ]);
    expect(PICTURE_COLUMNS).toEqual([
      'scenario_id',
      'rid',
      'size',
      'display_index',
      'source_index',
      'frame_index',
      'frozen',
      'time_s',
      'warmup',
      'vmaf',
      'psnr_y',
      'psnr_avg',
      'ssim',
      'pairing',
    ]);
  });

  it('reads back as numbers exactly the columns that hold numbers', () => {
    expect(numericColumnsOf(STATS_SCHEMA)).not.toContain('rid');
    expect(numericColumnsOf(STATS_SCHEMA)).not.toContain('quality_limitation_reason');
    expect(numericColumnsOf(PICTURES_SCHEMA)).toEqual([
      'display_index',
      'source_index',
      'frame_index',
      'frozen',
      'time_s',
      'warmup',
      'vmaf',
      'psnr_y',
      'psnr_avg',
      'ssim',
    ]);
  });

  it('a layer frame row is written in column order, an absent temporal index as an empty cell', () => {
    const row: LayerFrameRow = {
      frame_index: 0,
      rtp_timestamp: 3000,
      time_s: 0.5,
      bytes: 1200,
      type: 'key',
      width: 320,
      height: 180,
    };
    expect(toCsv(LAYER_FRAMES_COLUMNS, [row])).toBe(
      'frame_index,rtp_timestamp,time_s,bytes,type,temporal_index,width,height,spatial_index,frame_id,dependencies\n0,3000,0.5,1200,key,,320,180,,,\n',
    );
  });
});

describe('run directory files', () => {
  it('reads pictures.csv, or frames.csv in a run measured before the rename', () => {
    const fresh = copyFixture('fresh');
    const rows = readFileSync(path.join(fresh, 'pictures.csv'), 'utf8').trim().split('\n').length - 1;
    expect(rows).toBeGreaterThan(0);
    expect(loadReportInputs(fresh).frames).toHaveLength(rows);

    const old = copyFixture('old');
    renameSync(path.join(old, 'pictures.csv'), path.join(old, 'frames.csv'));
    expect(picturesCsvToRead(old)).toBe(path.join(old, 'frames.csv'));
    expect(loadReportInputs(old).frames).toHaveLength(rows);

    const none = copyFixture('none');
    rmSync(path.join(none, 'pictures.csv'));
    expect(picturesCsvToRead(none)).toBeUndefined();
    const inputs = loadReportInputs(none);
    expect(inputs.frames).toBeUndefined();
    expect(inputs.notes).toContain('no pictures.csv: no per-frame charts');
  });

  it('keeps scenario and layer paths inside the run', () => {
    expect(scenarioDir('/r/run1', 'all-layers.vp8')).toBe('/r/run1/all-layers.vp8');
    expect(layerFile('/r/run1/s', 'q.ivf')).toBe('/r/run1/s/q.ivf');
    expect(() => layerFile('/r/run1/s', '../../x')).toThrow(/leads outside/);
    expect(workDir('/r/run1', 'a.q.native')).toBe('/r/run1/.measure-work/a.q.native');
  });

  it('run.json: the measure record is typed on reading, a wrong one named by its field', () => {
    const dir = copyFixture('measure');
    expect(readRunRecord(dir).measure?.vmaf.backend).toBe('ffmpeg');
    const file = path.join(dir, 'run.json');
    const run = JSON.parse(readFileSync(file, 'utf8'));
    run.measure.vmaf.backend = 'gpu';
    writeFileSync(file, JSON.stringify(run));
    expect(() => readRunRecord(dir)).toThrow(/measure\.vmaf\.backend must be one of ffmpeg, docker, none, not "gpu"/);
    run.measure = 'done';
    writeFileSync(file, JSON.stringify(run));
    expect(() => readRunRecord(dir)).toThrow(/measure must be an object/);
  });
});
