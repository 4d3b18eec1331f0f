/**
 * How each client generator is run on flowmock's spec: the one place the commands and options
 * live (the README's client-team section gives the same commands; client-generators.test.ts
 * runs them). Each writes its client into `<dir>/client`; the driver for it is
 * `drivers/<id>.ts`, with `drivers/sequence.ts` beside it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface GeneratorRecipe {
  id: 'hey-api' | 'orval' | 'openapi-typescript-codegen' | 'swagger-typescript-api';
  /** The npm package (a devDependency, pinned). */
  pkg: string;
  /** The command as a user types it, with <spec> and <dir> placeholders (shown in the README). */
  usage: string;
  /** Files the recipe needs beside the client: name in `<dir>` → content (made from the spec path and dir). */
  files(spec: string, dir: string): Record<string, string>;
  /** Extra driver files copied from drivers/ into `<dir>`. */
  copies: string[];
  /** The bin's arguments. */
  args(spec: string, dir: string): string[];
  bin: string;
}

/** The JavaScript file of a package's bin (run with `node`: `.bin` names clash, e.g. `openapi` is also Redocly's). */
export function binPath(pkg: string, bin: string): string {
  // Read from node_modules: not every package exports its package.json.
  const dir = path.join(root, 'node_modules', pkg);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
  if (!rel) throw new Error(`${pkg} has no bin ${bin}`);
  return path.join(dir, rel);
}

export const RECIPES: GeneratorRecipe[] = [
  {
    id: 'hey-api',
    pkg: '@hey-api/openapi-ts',
    bin: 'openapi-ts',
    usage: 'npx openapi-ts -i generated/openapi.json -o <dir>/client',
    files: () => ({}),
    copies: [],
    args: (spec, dir) => ['-i', spec, '-o', path.join(dir, 'client')],
  },
  {
    id: 'orval',
    pkg: 'orval',
    bin: 'orval',
    usage: 'npx orval --config orval.config.cjs',
    files: (spec, dir) => ({
      'orval.config.cjs': `module.exports = {
  flowmock: {
    input: ${JSON.stringify(spec)},
    output: {
      target: ${JSON.stringify(path.join(dir, 'client', 'api.ts'))},
      client: 'fetch',
      override: {
        useNamedParameters: true,
        components: { schemas: { suffix: 'Model' } },
        mutator: { path: ${JSON.stringify(path.join(dir, 'orval-fetch.ts'))}, name: 'flowmockFetch' },
      },
    },
  },
};
`,
    }),
    copies: ['orval-fetch.ts'],
    args: (_spec, dir) => ['--config', path.join(dir, 'orval.config.cjs')],
  },
  {
    id: 'openapi-typescript-codegen',
    pkg: 'openapi-typescript-codegen',
    bin: 'openapi',
    usage: 'npx -p openapi-typescript-codegen openapi --input generated/openapi.json --output <dir>/client --client fetch --useUnionTypes',
    files: () => ({}),
    copies: [],
    args: (spec, dir) => ['--input', spec, '--output', path.join(dir, 'client'), '--client', 'fetch', '--useUnionTypes'],
  },
  {
    id: 'swagger-typescript-api',
    pkg: 'swagger-typescript-api',
    bin: 'swagger-typescript-api',
    usage: 'npx swagger-typescript-api generate -p generated/openapi.json -o <dir>/client -n api.ts',
    files: () => ({}),
    copies: [],
    args: (spec, dir) => ['generate', '-p', spec, '-o', path.join(dir, 'client'), '-n', 'api.ts'],
  },
];

/** The tsconfig the generated client and its driver are checked with: strict, a bundler-style consumer. */
export const CLIENT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true,
    skipLibCheck: true, lib: ['ES2023', 'DOM', 'DOM.Iterable'], types: [],
  },
  include: ['**/*.ts'],
};
