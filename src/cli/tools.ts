/** Commands that run the project's tools: spec lint, generation, Prism's mock. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { loadDefinitions } from '../engine/definitions/load.js';
import { prismBin } from '../optional-packages.js';
import { CliError } from './errors.js';

const root = PACKAGE_ROOT;
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
/** The spec sources and scripts come with a clone of flowmock, not with the package. */
const inClone = () => existsSync(path.join(root, 'scripts', 'generate.ts')) && existsSync(path.join(root, 'spec'));

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    const forward = (s: NodeJS.Signals) => child.kill(s);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
  });
}

/** Spec lint (swagger-parser + Redocly) and the flow/actionflow definitions of `flowsDir`. */
export async function lint(flowsDir: string): Promise<number> {
  const specCode = inClone() ? await run(bin('tsx'), [path.join(root, 'scripts', 'lint-spec.ts')]) : 0;
  try {
    const d = await loadDefinitions(flowsDir);
    console.log(`definitions: ${flowsDir} holds ${d.flows.length} flows and ${d.actionflows.length} actionflows, all valid`);
    return specCode;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

export async function generate(check: boolean): Promise<number> {
  if (!inClone()) throw new CliError('generate works in a clone of flowmock (it rewrites generated/ from spec/); the package ships the generated spec.');
  return run(bin('tsx'), [path.join(root, 'scripts', 'generate.ts'), ...(check ? ['--check'] : [])]);
}

/** Prism's mock of the spec: examples for every operation, no state. */
export const mock = (port: number, host: string, dynamic: boolean): Promise<number> =>
  run(process.execPath, [prismBin('flowmock mock'), 'mock', path.join(root, 'generated', 'openapi.json'), '--port', String(port), '--host', host, ...(dynamic ? ['--dynamic'] : [])]);
