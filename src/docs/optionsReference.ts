// docs/options.md, generated from the commander definitions themselves (issue 25: the reference cannot
// drift from `--help`). `npm run docs:options` rewrites the file; test/optionsReference.unit.test.ts fails
// when the committed file differs from what the program defines.
import type { Command, Option } from 'commander';

const HEADER =
  '# Every option of every command\n\n' +
  'Generated from the command line itself by `npm run docs:options` (src/docs/optionsReference.ts); do not edit by hand.\n' +
  'Back to the [README](../README.md).\n';

/** A Markdown table cell: pipes escaped, line breaks folded, so a description cannot break the table. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

function defaultOf(option: Option): string {
  const empty = Array.isArray(option.defaultValue) && option.defaultValue.length === 0;
  if (option.defaultValue === undefined || option.defaultValue === false || empty) return '';
  const shown = option.defaultValueDescription ?? JSON.stringify(option.defaultValue);
  return ` (default: ${shown})`;
}

function commandSection(command: Command): string {
  const args = command.registeredArguments.map((a) =>
    a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`,
  );
  const lines = [`## \`simq ${[command.name(), ...args].join(' ')}\``, '', cell(command.description()), ''];
  const options = command.options.filter((o) => !o.hidden);
  if (options.length === 0) return [...lines, 'No options.', ''].join('\n');
  lines.push('| option | what it does |', '| --- | --- |');
  for (const o of options) lines.push(`| \`${cell(o.flags)}\` | ${cell(o.description + defaultOf(o))} |`);
  return [...lines, ''].join('\n');
}

export function optionsReference(program: Command): string {
  const commands = [...program.commands].sort((a, b) => a.name().localeCompare(b.name()));
  return [HEADER, ...commands.map(commandSection)].join('\n');
}
