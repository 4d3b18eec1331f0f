// ESLint (`npm run lint`, part of `npm test`): the layer table of ARCHITECTURE.md as an import rule
// (eslint-plugin-boundaries), plus a few correctness rules. test/architecture/lint-boundaries.test.ts
// proves that a deliberate violation fails it. Single files of src/ are elements through the
// plugin's `mode: 'file'` (deprecated in v7 in favour of folders, hence its one-line warning).
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

/** The elements of src/, first match wins: single files before the folders. */
export const ELEMENTS = [
  // The fault grammar (no HTTP): configuration checks `--fault` rules with it.
  { type: 'fault-rules', pattern: 'src/mock/fault-rules.ts', mode: 'file' },
  { type: 'config', pattern: ['src/config.ts', 'src/settings.ts', 'src/settings-doc.ts'], mode: 'file' },
  { type: 'shared', pattern: ['src/random.ts', 'src/package-root.ts', 'src/optional-packages.ts'], mode: 'file' },
  { type: 'composition', pattern: ['src/app.ts', 'src/services.ts', 'src/embed.ts', 'src/index.ts', 'src/integrator-services.ts'], mode: 'file' },
  { type: 'composition', pattern: 'src/cli', partialMatch: false },
  { type: 'contract-kit', pattern: 'src/contract', partialMatch: false },
  { type: 'http', pattern: 'src/http', partialMatch: false },
  { type: 'mock', pattern: 'src/mock/!(fault-rules).ts', mode: 'file' },
  { type: 'handler-contract', pattern: 'src/handler-contract', partialMatch: false },
  { type: 'api', pattern: 'src/api', partialMatch: false },
  { type: 'engine', pattern: 'src/engine', partialMatch: false },
  { type: 'store', pattern: 'src/store', partialMatch: false },
  { type: 'auth', pattern: 'src/auth', partialMatch: false },
  { type: 'client', pattern: 'src/client', partialMatch: false },
  { type: 'generated', pattern: 'generated', partialMatch: false },
];

/** Who may import whom (ARCHITECTURE.md, "The layers"). Anything not listed is an error. */
export const LAYERS = {
  http: ['http', 'mock', 'handler-contract', 'api', 'engine', 'store', 'auth', 'config', 'fault-rules', 'shared', 'generated'],
  mock: ['mock', 'fault-rules', 'http', 'handler-contract', 'auth', 'config', 'shared', 'generated'],
  'fault-rules': ['handler-contract'],
  'handler-contract': ['handler-contract', 'engine', 'store', 'auth', 'config', 'shared', 'generated'],
  api: ['api', 'handler-contract', 'engine', 'store', 'auth', 'shared', 'generated'],
  engine: ['engine', 'store', 'auth', 'shared', 'generated'],
  store: ['store', 'shared', 'generated'],
  auth: ['auth', 'store', 'shared', 'generated'],
  client: ['client', 'generated'],
  config: ['config', 'auth', 'fault-rules', 'shared'],
  shared: ['shared'],
  composition: ['*'],
  'contract-kit': ['*'],
};

const ALL_TYPES = [...new Set(ELEMENTS.map((e) => e.type))];
const policies = Object.entries(LAYERS).map(([from, to]) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: to.includes('*') ? ALL_TYPES : to } } } },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'generated/**'] },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/include': ['src/**/*.ts', 'generated/**/*.ts'],
      'import/resolver': { typescript: { project: './tsconfig.json' }, node: true },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies, checkAllOrigins: false }],
      // A few correctness rules that need no type information.
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-self-assign': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'no-cond-assign': ['error', 'except-parens'],
      'use-isnan': 'error',
      'valid-typeof': 'error',
    },
  },
);
