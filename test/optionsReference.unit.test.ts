// docs/options.md is generated from the commander definitions (npm run docs:options): it must equal
// what the program defines now, and every option `--help` prints for every command must be in it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { optionsReference } from '../src/docs/optionsReference.js';

const DOC = path.join(import.meta.dirname, '..', 'docs', 'options.md');

describe('docs/options.md', () => {
  it('is what the CLI defines (regenerate with npm run docs:options)', async () => {
    expect(readFileSync(DOC, 'utf8')).toBe(optionsReference(await buildProgram()));
  });

  it("holds every long option of every command's --help, read from the help text itself", async () => {
    const doc = readFileSync(DOC, 'utf8');
    const program = await buildProgram();
    let seen = 0;
    for (const command of program.commands) {
      // The help text as a user sees it, not the option objects the generator walked.
      const flags = [...command.helpInformation().matchAll(/(?:^|[\s,])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]);
      const section = doc.split(`## \`simq ${command.name()}`)[1]?.split('\n## ')[0] ?? '';
      for (const flag of flags) {
        if (flag === '--help') continue;
        expect(section, `simq ${command.name()} ${flag}`).toContain(flag);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(60);
  });
});
