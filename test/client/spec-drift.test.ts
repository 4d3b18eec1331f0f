/**
 * A spec change that breaks the client is a compile error. This compiles `src/client` with the
 * TypeScript compiler against edited copies of `generated/openapi-types.ts` (as `npm run
 * generate` would write them after a spec edit) and expects errors in the client's own files:
 * the helpers are typed from the generated `paths`, so renaming a path, a parameter or a model
 * field cannot go unnoticed.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const generatedPath = resolve(root, 'generated/openapi-types.ts');
const generated = readFileSync(generatedPath, 'utf8');

const config = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
if (!config) throw new Error('cannot read tsconfig.json');
const options: ts.CompilerOptions = { ...config.options, noEmit: true };

/** Source files other than the generated one are parsed once and shared by every compile. */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** Diagnostics of compiling src/client/index.ts with the generated types replaced by `text`. */
function compileClientWith(text: string): string[] {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    resolve(fileName) === generatedPath
      ? ts.createSourceFile(fileName, text, languageVersion, true)
      : parsed.has(fileName)
        ? parsed.get(fileName)
        : parsed.set(fileName, getSourceFile(fileName, languageVersion, onError, shouldCreate)).get(fileName);
  const program = ts.createProgram([resolve(root, 'src/client/index.ts')], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(root.length + 1)}` : '';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

function edited(from: string | RegExp, to: string): string {
  const out = generated.replace(from, to);
  expect(out, `the edit ${String(from)} applies`).not.toBe(generated);
  return out;
}

describe('a spec change that breaks the client does not compile', () => {
  it('the client compiles cleanly against the generated types as they are', () => {
    expect(compileClientWith(generated)).toEqual([]);
  });

  it('renaming the progress path (/progress → /progress-v2) breaks runFlow', () => {
    const errors = compileClientWith(edited(/"\/api\/v1\/flows\/executions\/\{execution\}\/progress"/, '"/api/v1/flows/executions/{execution}/progress-v2"'));
    expect(errors.some((e) => e.startsWith('src/client/smartflows.ts') && e.includes('/progress')), errors.join('\n')).toBe(true);
  });

  it("renaming ExecuteFlow's query parameter flowId breaks the start of runFlow", () => {
    const errors = compileClientWith(edited(/flowId\?: components\["parameters"\]\["FlowIdQuery"\];/g, 'flowUuid?: components["parameters"]["FlowIdQuery"];'));
    expect(errors.some((e) => e.startsWith('src/client/smartflows.ts')), errors.join('\n')).toBe(true);
  });

  it('renaming the envelope field processId breaks trigger', () => {
    const envelope = /(ActionflowEnvelope: \{[\s\S]*?)processId: string;/;
    const errors = compileClientWith(edited(envelope, '$1process_id: string;'));
    expect(errors.some((e) => e.startsWith('src/client/phixflow.ts') && e.includes('processId')), errors.join('\n')).toBe(true);
  });

  it('dropping the documents content operation breaks downloadDocument', () => {
    const errors = compileClientWith(edited('get: operations["GetDocumentContent"];', 'get?: never;'));
    expect(errors.some((e) => e.startsWith('src/client/smartflows.ts')), errors.join('\n')).toBe(true);
  });
});
