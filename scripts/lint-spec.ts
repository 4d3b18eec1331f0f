/**
 * `npm run lint:spec`: assembles the spec from its parts (scripts/spec-bundle.ts), validates it with
 * @apidevtools/swagger-parser (OpenAPI 3.1 schema and $refs), then lints the bundle that
 * `npm run generate` wrote (generated/openapi.yaml, checked current by `generate:check`) with
 * Redocly CLI's recommended rules (redocly.yaml).
 * Exits non-zero on any error.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { assembleSpec } from './spec-bundle.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const spec = path.join(root, 'spec', 'openapi.yaml');

try {
  const api = await SwaggerParser.validate((await assembleSpec(spec)) as never);
  console.log(`swagger-parser: ${api.info.title} ${api.info.version} is valid`);
} catch (err) {
  console.error(`swagger-parser: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const redocly = path.join(root, 'node_modules', '.bin', 'redocly');
const res = spawnSync(redocly, ['lint', '--format=stylish', 'generated/openapi.yaml'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' },
});
// Redocly prints a Node 20 deprecation banner; keep only its findings.
const out = `${res.stdout}${res.stderr}`.split('\n').filter((l) => !/[║╔╚]/.test(l)).join('\n').trim();
console.log(out);
process.exit(res.status ?? 1);
