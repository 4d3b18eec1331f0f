/**
 * The layer table (ARCHITECTURE.md) is enforced by ESLint (eslint.config.js, `npm run lint`):
 * deliberate violations, linted with the project's own config at paths inside src/, fail with
 * the boundaries rule; an allowed import of the same shape passes. Without this, a config that
 * matched no file would pass every import and prove nothing.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The rules that fired on `text` as if it were the file `file` (nothing is written). */
async function lint(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('ESLint boundaries (the layer table)', () => {
  it.each([
    ['a handler imports the HTTP layer', 'src/api/flows/violation.ts', "import { createDispatcher } from '../../http/dispatch.js';\nexport const d = createDispatcher;\n"],
    ['the engine imports a handler', 'src/engine/violation.ts', "import { handlers } from '../api/handlers.js';\nexport const h = handlers;\n"],
    ['the store imports the engine', 'src/store/violation.ts', "import { FlowEngine } from '../engine/flows/flow-engine.js';\nexport const e = FlowEngine;\n"],
    ['a handler imports the composition root', 'src/api/violation.ts', "import { buildServices } from '../services.js';\nexport const b = buildServices;\n"],
    ['configuration imports the HTTP layer', 'src/settings-violation.ts', "import { corsMiddleware } from './http/cors.js';\nexport const c = corsMiddleware;\n"],
    ['the published client imports the server', 'src/client/violation.ts', "import type { Store } from '../store/types.js';\nexport type S = Store;\n"],
  ])('%s: a boundaries error', async (_what, file, text) => {
    // src/settings-violation.ts is no element of the table; lint it as src/settings.ts would be.
    const at = file === 'src/settings-violation.ts' ? 'src/settings.ts' : file;
    const messages = await lint(at, text);
    expect(messages.some((m) => m.startsWith('boundaries/dependencies:')), messages.join('\n') || 'no error').toBe(true);
  });

  it('the allowed direction passes: a handler imports the handler contract and the engine', async () => {
    const text = "import type { Handlers } from '../../handler-contract/handler-types.js';\nimport { FlowEngine } from '../../engine/flows/flow-engine.js';\nexport type H = Handlers;\nexport const e = FlowEngine;\n";
    expect(await lint('src/api/flows/allowed.ts', text)).toEqual([]);
  });
});
