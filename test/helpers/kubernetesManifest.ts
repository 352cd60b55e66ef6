// Checks of the Kubernetes examples in deploy/kubernetes/: (1) every document type-checked by the
// TypeScript compiler against the Kubernetes API types of the `kubernetes-types` package (a misspelt
// key is an excess property, a wrong value type a type error); (2) the rules those types cannot
// express, taken from the API reference (quoted from kubernetes-types' doc comments where it says them).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

export interface ManifestDoc {
  file: string;
  index: number;
  object: any;
}

/** apiVersion + kind -> the module and type of kubernetes-types that describe it. */
const API_TYPES: Readonly<Record<string, { module: string; type: string }>> = {
  'batch/v1 Job': { module: 'kubernetes-types/batch/v1', type: 'Job' },
  'v1 PersistentVolumeClaim': { module: 'kubernetes-types/core/v1', type: 'PersistentVolumeClaim' },
  'v1 ConfigMap': { module: 'kubernetes-types/core/v1', type: 'ConfigMap' },
};

export function loadManifests(files: string[]): ManifestDoc[] {
  return files.flatMap((file) => {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    return docs.map((d, index) => {
      if (d.errors.length) throw new Error(`${file} document ${index + 1}: ${d.errors[0].message}`);
      return { file, index, object: d.toJS() };
    });
  });
}

function docName(d: ManifestDoc): string {
  return `${path.basename(d.file)} #${d.index + 1} (${d.object?.kind ?? '?'} ${d.object?.metadata?.name ?? '?'})`;
}

/**
 * Writes one TypeScript file with each document as an object literal annotated with its API type
 * and returns the compiler's diagnostics, each named by document. `dir` must be inside the
 * repository so that `kubernetes-types` resolves from its node_modules.
 */
export function typeCheckManifests(docs: ManifestDoc[], dir: string): string[] {
  const problems: string[] = [];
  const imports = new Map<string, Set<string>>();
  const bodies: { doc: ManifestDoc; text: string }[] = [];
  docs.forEach((doc, i) => {
    const api = API_TYPES[`${doc.object?.apiVersion} ${doc.object?.kind}`];
    if (!api)
      return void problems.push(
        `${docName(doc)}: no API type known for apiVersion ${doc.object?.apiVersion}, kind ${doc.object?.kind}`,
      );
    imports.set(api.module, (imports.get(api.module) ?? new Set()).add(api.type));
    bodies.push({ doc, text: `export const doc${i}: ${api.type} = ${JSON.stringify(doc.object, null, 2)};\n` });
  });
  const head = [...imports].map(([m, types]) => `import type { ${[...types].join(', ')} } from '${m}';\n`).join('');
  const starts: { line: number; doc: ManifestDoc }[] = [];
  let text = head;
  for (const b of bodies) {
    starts.push({ line: text.split('\n').length - 1, doc: b.doc });
    text += b.text;
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'manifests.ts');
  writeFileSync(file, text);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
    lib: ['lib.es2022.d.ts'],
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file || d.start === undefined) problems.push(message);
    else {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const owner = [...starts].reverse().find((s) => s.line <= line);
      problems.push(`${owner ? docName(owner.doc) : path.basename(d.file.fileName)}: ${message}`);
    }
  }
  return problems;
}
