/**
 * The README's jest example (examples/embedding/jest/) runs: jest 30 on Node 20 with ESM and
 * TypeScript through a ten-line esbuild transform, `startFlowmock` from 'flowmock', both tests
 * passing. (The vitest example is examples/embedding/vitest.test.ts, run by vitest directly.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

it('jest runs the embedding example and both of its tests pass', async () => {
  const { stdout, stderr } = await run(process.execPath, [
    '--experimental-vm-modules', path.join(root, 'node_modules/jest/bin/jest.js'), '-c', 'examples/embedding/jest/jest.config.mjs', '--ci',
  ], { cwd: root, timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } });
  const out = stdout + stderr;
  expect(out).toMatch(/PASS examples\/embedding\/jest\/flowmock\.jest\.ts/);
  expect(out).toMatch(/Tests:\s+2 passed, 2 total/);
}, 150_000);

it("the README shows both embedding examples exactly as they run", () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const file of ['examples/embedding/vitest.test.ts', 'examples/embedding/jest/flowmock.jest.ts']) {
    const region = readFileSync(path.join(root, file), 'utf8').split('// #region readme\n')[1].split('// #endregion readme')[0].trimEnd();
    expect(readme, file).toContain(`\`\`\`ts\n${region}\n\`\`\``);
  }
});
