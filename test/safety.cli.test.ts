// Nothing lost, nothing injected (no browser; runs the built CLI, needs no browser lock): full disks, --force on a foreign folder, the run lock,
// crafted run.json files, CSV formula cells, printed commands, option checks before any browser, and
// the loopback server's request checks. Each expectation comes from the rule itself (OWASP CSV
// injection, POSIX sh quoting, the file system), never from simq's own output.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessServer } from '../src/capture/HarnessServer.js';
import { ExitCode, OutputError } from '../src/errors.js';
import { writeFileAtomic } from '../src/io/atomicWrite.js';
import { toCsv } from '../src/io/csv.js';
import { shellCommand } from '../src/io/shellQuote.js';
import { FFMPEG, ROOT, simq, type SimqResult } from './helpers/simq.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'report-run');
let dir: string;
const outputs: string[] = [];

/** Runs simq and keeps its output for the "no unexpected error" check at the end. */
async function run(args: string[], options: Parameters<typeof simq>[1] = {}): Promise<SimqResult> {
  const r = await simq(args, options);
  outputs.push(r.stdout, r.stderr);
  return r;
}

function copyFixture(name: string, parent = dir): string {
  const to = path.join(parent, name);
  cpSync(FIXTURE, to, { recursive: true });
  return to;
}

function editRun(runDir: string, edit: (run: Record<string, any>) => void): void {
  const file = path.join(runDir, 'run.json');
  const run = JSON.parse(readFileSync(file, 'utf8'));
  edit(run);
  writeFileSync(file, JSON.stringify(run, null, 2));
}

/** Leftovers a failed write must not leave: temporary files, partial bitstreams, empty files. */
function leftovers(root: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tmp$|\.part$/.test(name) || statSync(p).size === 0) found.push(p);
    }
  };
  walk(root);
  return found;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-safety-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a full disk (a 2 MiB tmpfs)', () => {
  let disk: string;
  let mounted = false;

  beforeAll(() => {
    disk = path.join(dir, 'disk');
    mkdirSync(disk);
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [disk]);
  });

  /** Fills the disk but for about `free` bytes. */
  function fill(free: number): void {
    rmSync(path.join(disk, 'filler'), { force: true });
    const { bavail, bsize } = statfs(disk);
    writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - free)));
  }

  it('writeFileAtomic: a write that does not fit is exit 6 naming the file; the previous file stays, no temp file', (ctx) => {
    if (!mounted) {
      console.warn('SKIPPED: cannot mount a tmpfs here (needs root); the full-disk write check cannot run');
      return ctx.skip();
    }
    const target = path.join(disk, 'run.json');
    writeFileSync(target, '{"good":true}\n');
    fill(8192);
    let error: unknown;
    try {
      writeFileAtomic(target, JSON.stringify({ big: 'x'.repeat(100_000) }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).exitCode).toBe(ExitCode.output);
    expect((error as Error).message).toContain(target);
    expect((error as Error).message).toContain('ENOSPC');
    expect(readFileSync(target, 'utf8')).toBe('{"good":true}\n');
    expect(readdirSync(disk).sort()).toEqual(['filler', 'run.json']);
  });

  it('recommend and report on a full disk: exit 6 with the file named, old files intact, nothing left behind', async (ctx) => {
    if (!mounted) {
      console.warn('SKIPPED: cannot mount a tmpfs here (needs root); the full-disk write check cannot run');
      return ctx.skip();
    }
    rmSync(path.join(disk, 'filler'), { force: true });
    rmSync(path.join(disk, 'run.json'), { force: true });
    const runDir = copyFixture('run', disk);
    const before = readFileSync(path.join(runDir, 'recommendation.json'), 'utf8');
    fill(4096);
    const rec = await run(['recommend', runDir]);
    expect(rec.code, rec.stderr).toBe(ExitCode.output);
    expect(rec.stderr).toMatch(/cannot write .*recommendation\.json.*ENOSPC/);
    expect(readFileSync(path.join(runDir, 'recommendation.json'), 'utf8')).toBe(before);
    const rep = await run(['report', runDir]);
    expect(rep.code, rep.stderr).toBe(ExitCode.output);
    expect(rep.stderr).toMatch(/cannot write .*report\.html.*ENOSPC/);
    expect(existsSync(path.join(runDir, 'report.html'))).toBe(false);
    expect(leftovers(runDir)).toEqual([]);
    expect(existsSync(path.join(runDir, '.simq.lock'))).toBe(false);
  });
});

function statfs(p: string): { bavail: number; bsize: number } {
  const out = execFileSync('stat', ['-f', '-c', '%a %S', p], { encoding: 'utf8' }).trim().split(' ');
  return { bavail: Number(out[0]), bsize: Number(out[1]) };
}

describe('--force and --out never replace what simq did not make', () => {
  it('capture --run-id victim --force on an ordinary folder: exit 6 before any browser, the folder untouched', async () => {
    const out = path.join(dir, 'force-out');
    mkdirSync(path.join(out, 'victim'), { recursive: true });
    writeFileSync(path.join(out, 'victim', 'thesis.txt'), 'four years of work');
    // --chrome points nowhere: reaching the browser would be exit 3, not the refusal.
    const r = await run([
      'capture',
      '--run-id',
      'victim',
      '--force',
      '--out',
      out,
      '--chrome',
      '/nonexistent/chrome',
      '--duration',
      '3',
      '--warmup',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(ExitCode.output);
    expect(r.stderr).toMatch(/not a simq run/);
    expect(readFileSync(path.join(out, 'victim', 'thesis.txt'), 'utf8')).toBe('four years of work');
  });

  it('recommend --out FILE refuses to overwrite an existing file without --force', async () => {
    const runDir = copyFixture('out-force');
    const file = path.join(dir, 'holiday.mp4');
    writeFileSync(file, 'not javascript');
    const r = await run(['recommend', runDir, '--format', 'encodings', '--out', file, '--codec', 'vp8']);
    expect(r.code, r.stderr).toBe(ExitCode.output);
    expect(r.stderr).toContain(`${file} already exists`);
    expect(readFileSync(file, 'utf8')).toBe('not javascript');
    const forced = await run([
      'recommend',
      runDir,
      '--format',
      'encodings',
      '--out',
      file,
      '--codec',
      'vp8',
      '--force',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe('not javascript');
  });
});

describe('one simq per run directory', () => {
  it('a live holder: exit 6 naming its pid and command; the run is not touched', async () => {
    const runDir = copyFixture('locked');
    const holder = spawn('sleep', ['60']);
    try {
      writeFileSync(
        path.join(runDir, '.simq.lock'),
        JSON.stringify({
          pid: holder.pid,
          host: os.hostname(),
          startedAt: new Date().toISOString(),
          command: 'measure',
        }),
      );
      const r = await run(['recommend', runDir]);
      expect(r.code, r.stderr).toBe(ExitCode.output);
      expect(r.stderr).toContain(`pid ${holder.pid}`);
      expect(r.stderr).toContain('simq measure');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a holder that was SIGKILLed: the next command takes over and marks the run incomplete', async () => {
    const runDir = copyFixture('stale');
    const dead = spawnSync('true').pid!;
    editRun(runDir, (r) => {
      r.status = 'running';
      r.scenarios[0].status = 'running';
    });
    writeFileSync(
      path.join(runDir, '.simq.lock'),
      JSON.stringify({ pid: dead, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'capture' }),
    );
    mkdirSync(path.join(runDir, '.measure-work', 'x'), { recursive: true });
    const r = await run(['report', runDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`pid ${dead}`);
    const after = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    expect(after.status).toBe('incomplete');
    expect(after.scenarios[0].status).toBe('incomplete');
    expect(existsSync(path.join(runDir, '.measure-work'))).toBe(false);
    expect(existsSync(path.join(runDir, '.simq.lock'))).toBe(false);
  });
});

describe('a crafted run.json cannot lead outside its run', () => {
  it('scenario id ../../../x: exit 2 naming the field; measure --force deletes and reads nothing outside', async () => {
    const runDir = copyFixture('crafted');
    const outside = path.join(dir, 'x');
    mkdirSync(path.join(outside, '.measure-work'), { recursive: true });
    writeFileSync(path.join(outside, 'keep.txt'), 'keep');
    editRun(runDir, (r) => {
      r.scenarios[0].id = '../../../x';
    });
    for (const args of [
      ['measure', runDir, '--force', '--vmaf-backend', 'none'],
      ['recommend', runDir],
      ['report', runDir, '--force'],
    ]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(ExitCode.badInput);
      expect(r.stderr).toContain('scenarios[0].id');
      expect(r.stderr).toContain('../../../x');
    }
    expect(readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('keep');
    expect(existsSync(path.join(outside, '.measure-work'))).toBe(true);
  });

  it('a bitstream path ../../etc/passwd and a rid with a slash are refused', async () => {
    for (const [field, edit] of [
      ['layers[0].bitstream', (r: any) => (r.scenarios[0].layers[0].bitstream = '../../etc/passwd')],
      ['layers[1].rid', (r: any) => (r.scenarios[0].layers[1].rid = 'h/../../y')],
    ] as const) {
      const runDir = copyFixture(`crafted-${field.replace(/\W/g, '')}`);
      editRun(runDir, edit);
      const r = await run(['measure', runDir, '--force', '--vmaf-backend', 'none']);
      expect(r.code, r.stderr).toBe(ExitCode.badInput);
      expect(r.stderr).toContain(field);
    }
  });

  it('wrong types: exit 2 with the field named, never a TypeError', async () => {
    for (const [field, edit] of [
      ['scenarios', (r: any) => (r.scenarios = 'all')],
      ['scenarios[0].layers', (r: any) => (r.scenarios[0].layers = 5)],
      ['input.fps', (r: any) => (r.input.fps = '30')],
    ] as const) {
      const runDir = copyFixture(`types-${field.replace(/\W/g, '')}`);
      editRun(runDir, edit);
      const r = await run(['recommend', runDir]);
      expect(r.code, r.stderr).toBe(ExitCode.badInput);
      expect(r.stderr).toContain(field);
      expect(r.stderr).not.toMatch(/TypeError/);
    }
  });

  it('a run.json that is not a regular file or is huge is refused without reading it all', async () => {
    const runDir = copyFixture('huge');
    writeFileSync(path.join(runDir, 'run.json'), Buffer.alloc(65 * 1024 * 1024, 0x20));
    const r = await run(['recommend', runDir]);
    expect(r.code, r.stderr).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(/limit/);
  });
});

describe('names never become formulas or shell code', () => {
  it('CSV: text cells starting with = + - @ tab CR get a leading quote (OWASP); numbers stay numbers', () => {
    const rows = [
      { name: '=HYPERLINK("http://x","y")', n: -5 },
      { name: '+1+1', n: 3 },
      { name: '-2+3', n: 0 },
      { name: '@SUM(A1)', n: 1.5 },
      { name: '\tx', n: 2 },
      { name: '\rx', n: 2 },
      { name: 'plain', n: -0.25 },
    ];
    const cells = parse(toCsv(['name', 'n'], rows), { columns: true }) as { name: string; n: string }[];
    expect(cells.map((c) => c.name)).toEqual([
      '\'=HYPERLINK("http://x","y")',
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      'plain',
    ]);
    expect(cells.map((c) => c.n)).toEqual(['-5', '3', '0', '1.5', '2', '2', '-0.25']);
  });

  it('shellCommand: sh gets back exactly the arguments, and $(...) never runs', () => {
    const marker = path.join(dir, 'PWNED');
    const args = ['ffmpeg', '-i', `my clip $(touch ${marker}) \`id\` it's "q".mp4`, '', 'a;b|c&d', '*'];
    const out = execFileSync('sh', ['-c', `for a in ${shellCommand(args)}; do printf '%s\\n' "[$a]"; done`], {
      encoding: 'utf8',
      cwd: dir,
    });
    expect(out.trimEnd().split('\n')).toEqual(args.map((a) => `[${a}]`));
    expect(existsSync(marker)).toBe(false);
  });

  it('measure: the printed "re-create it" fix line, pasted into sh, gives ffmpeg the same arguments', async () => {
    const runDir = copyFixture('fixline');
    const marker = path.join(dir, 'PWNED2');
    const y4m = path.join(dir, `gone $(touch ${marker}) it's.y4m`);
    editRun(runDir, (r) => {
      r.input.y4m = y4m;
      r.input.preparedWith = ['-i', `/clips/a b $(touch ${marker}).mp4`, '-pix_fmt', 'yuv420p', y4m];
    });
    const r = await run(['measure', runDir, '--force', '--vmaf-backend', 'none', '--ffmpeg', FFMPEG]);
    expect(r.code, r.stderr).toBe(ExitCode.badInput);
    const fix = /fix: re-create it with: (.*)/.exec(r.stderr)?.[1];
    expect(fix, r.stderr).toBeDefined();
    // Replace the program by printf: what sh passes to it is what ffmpeg would get.
    const printed = execFileSync('sh', ['-c', `printf '[%s]\\n' ${fix!.slice(fix!.indexOf(' ') + 1)}`], {
      encoding: 'utf8',
      cwd: dir,
    });
    expect(printed.trimEnd().split('\n')).toEqual(
      ['-i', `/clips/a b $(touch ${marker}).mp4`, '-pix_fmt', 'yuv420p', y4m].map((a) => `[${a}]`),
    );
    expect(existsSync(marker)).toBe(false);
  });
});

describe('options are checked before any browser starts', () => {
  // --chrome points nowhere: a check that came after the browser probe would give exit 3 instead.
  const early = ['--chrome', '/nonexistent/chrome', '--out', '/tmp/simq-safety-never'];

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    '--scenario %s: exit 2, no such preset',
    async (name) => {
      const r = await run(['capture', '--scenario', name, ...early]);
      expect(r.code, r.stderr).toBe(ExitCode.badInput);
      expect(r.stderr).toContain('no preset of that name');
    },
  );

  it.each([
    [['--fps', '1.5'], /--fps 1\.5/],
    [['--fps', '1000'], /--fps 1000/],
    [['--fps', '0'], /--fps 0/],
    [['--run-id', '../escape'], /--run-id/],
    [['--run-id', 'a/b'], /--run-id/],
  ])('%s: exit 2 before the browser', async (args, message) => {
    const r = await run(['capture', ...args, ...early]);
    expect(r.code, r.stderr).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(message);
  });

  it('--out naming a file: refused before the browser', async () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    const r = await run(['capture', '--out', file, '--chrome', '/nonexistent/chrome']);
    expect(r.code, r.stderr).toBe(ExitCode.output);
    expect(r.stderr).toContain('is a file, not a folder');
  });

  it('a clip named -dash.mp4: exit 2 saying to put -- before it', async () => {
    // Relative, as a user types it (commander would read it as -d ash.mp4).
    const r = await run(['capture', '-dash.mp4', ...early]);
    expect(r.code, r.stderr).toBe(ExitCode.badInput);
    expect(r.stderr).toContain('put -- before it');
  });

  it('--scenario /dev/zero: refused at once (not a regular file)', async () => {
    const r = await run(['capture', '--scenario', '/dev/zero', ...early], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(ExitCode.badInput);
    expect(r.stderr).toContain('not a regular file');
  });

  it('a scenario file with a UTF-8 BOM is accepted (the run gets as far as the browser)', async () => {
    const file = path.join(dir, 'bom.json');
    writeFileSync(
      file,
      '\ufeff' + JSON.stringify({ name: 'bom', encodings: [{ rid: 'q', scaleResolutionDownBy: 2 }, { rid: 'f' }] }),
    );
    const r = await run(['capture', '--scenario', file, ...early]);
    expect(r.stderr).not.toMatch(/not valid JSON/);
    expect(r.code, r.stderr).toBe(ExitCode.environment);
  });
});

describe('the loopback server answers only its own page', () => {
  let server: HarnessServer;
  let url: URL;
  let token: string;

  beforeAll(async () => {
    server = new HarnessServer();
    url = new URL(await server.listen());
    server.setSink({ onFrames: () => undefined, onStats: () => undefined, onLog: () => undefined });
    const page = await request('GET', '/', {});
    token = /name="simq-token" content="([0-9a-f]+)"/.exec(page.body)![1];
  });
  afterAll(() => server.close());

  function request(
    method: string,
    p: string,
    headers: http.OutgoingHttpHeaders,
    body = '',
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: url.port, method, path: p, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('POST with the token from the page: accepted', async () => {
    expect((await request('POST', '/log', { 'x-simq-token': token }, 'hi')).status).toBe(200);
  });

  it.each([
    ['no token', () => ({})],
    ['a wrong token', () => ({ 'x-simq-token': 'f'.repeat(32) })],
    ['a foreign Origin', () => ({ 'x-simq-token': token, origin: 'http://evil.example' })],
    ['a rebound Host', () => ({ 'x-simq-token': token, host: 'evil.example:80' })],
  ])('POST with %s: 403, and the capture is not ended', async (_what, headers) => {
    const r = await request('POST', '/log', headers(), 'x');
    expect(r.status).toBe(403);
    expect(server.sinkError).toBeUndefined();
  });

  it('a new capture gets a new token: the old one is refused', async () => {
    server.setSink({ onFrames: () => undefined, onStats: () => undefined, onLog: () => undefined });
    expect((await request('POST', '/log', { 'x-simq-token': token }, 'x')).status).toBe(403);
  });
});

describe('no probe ends in an unexpected error', () => {
  it('none of the outputs above holds "unexpected error"', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const o of outputs) expect(o).not.toMatch(/unexpected error/);
  });
});
