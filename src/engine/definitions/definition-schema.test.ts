import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { definitionSchemas, writeDefinitionSchemas } from './definition-schema.js';

const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;
const FLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../flows');

describe('definitionSchemas', () => {
  it('is a self-contained schema that accepts every shipped definition', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    const validate = ajv.compile(definitionSchemas);
    for (const name of readdirSync(FLOWS_DIR).filter((n) => n.endsWith('.yaml'))) {
      const data = YAML.parse(readFileSync(path.join(FLOWS_DIR, name), 'utf8'));
      expect(validate(data), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ kind: 'actionflow', application: 'A', name: 'N', mode: 'sync' })).toBe(false);
    expect(validate({ id: 'x' })).toBe(false);
  });

  it('can be written to a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-schema-'));
    try {
      const file = path.join(dir, 'definitions.schema.json');
      await writeDefinitionSchemas(file);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(definitionSchemas)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
