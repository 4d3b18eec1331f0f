// jest for the embedding example, as a user on Node 20 with ESM and TypeScript would set it up:
//   node --experimental-vm-modules node_modules/jest/bin/jest.js -c examples/embedding/jest/jest.config.mjs
// In an installed project, `flowmock` resolves to the package and the two moduleNameMapper lines
// for it are not needed; here, in flowmock's own repository, they point at the sources.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export default {
  rootDir: root,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/examples/embedding/jest/**/*.jest.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '\\.ts$': '<rootDir>/examples/embedding/jest/esbuild-transform.cjs' },
  moduleNameMapper: {
    '^flowmock$': '<rootDir>/src/index.ts',
    '^flowmock/client$': '<rootDir>/src/client/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1', // TypeScript's ESM imports name the .js their .ts becomes
  },
};
