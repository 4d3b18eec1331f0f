/**
 * Start-up loads what a command needs when it needs it (issue 17, measured by `npm run bench --
 * --workloads 6`): jose, fast-xml-parser and pdf-lib are imported only at the first request that
 * needs them (`import()` or `loadXml()`), never by a static import of a module the server loads at
 * start. The contract kit (its own command) may import them. A deliberate violation proves the scan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAZY = ['jose', 'fast-xml-parser', 'pdf-lib'];
/** Static value imports (and re-exports) of a lazy package; `import type` costs nothing at run time. */
const STATIC = new RegExp(String.raw`^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+['"](${LAZY.join('|')})['"]`, 'gm');

function staticImports(text: string): string[] {
  return [...text.matchAll(STATIC)].map((m) => m[1]);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('packages loaded when first needed', () => {
  it('the scan finds a static import and ignores type-only and dynamic ones', () => {
    const text = [
      "import { SignJWT } from 'jose';",
      "import type { PDFDocument } from 'pdf-lib';",
      "const x = () => import('fast-xml-parser');",
      "export { XMLParser } from 'fast-xml-parser';",
    ].join('\n');
    expect(staticImports(text)).toEqual(['jose', 'fast-xml-parser']);
  });

  it('no module of the server imports jose, fast-xml-parser or pdf-lib statically', () => {
    const found = sources(path.join(ROOT, 'src'))
      .filter((f) => !path.relative(ROOT, f).startsWith(path.join('src', 'contract') + path.sep))
      .flatMap((f) => staticImports(readFileSync(f, 'utf8')).map((pkg) => `${path.relative(ROOT, f)}: ${pkg}`));
    expect(found, 'load it when first needed (see src/auth/credentials.ts loadJose, src/engine/flows/input.ts loadXml)').toEqual([]);
  });
});
