/**
 * `npx tsx scripts/vendor-diff.ts [--spec generated/openapi.json] [--ops all|surface] [--json | --summary]
 *   [--contract file] [--exceptions file]`   (`--summary`: one line per operation, counts by kind)
 *
 * Prints, per vendor operation, every difference between an OpenAPI document and the vendor's Smart
 * Flows contract (reference/smart-flows-vendor-contract.json): the operation itself, operationId,
 * path and query parameters, request body, list-versus-object answer, security, and the field
 * names, types and enum values of every model the operation reaches. `--spec` is resolved from the
 * current directory (so another checkout can point it at its own bundle); the exceptions file is
 * the current directory's spec/vendor-exceptions.yaml when there is one, else this repository's;
 * the contract is this repository's copy. A spec whose head lists parts (spec/openapi.yaml) is
 * assembled first.
 *
 * Exit code: 0 when every difference is covered by spec/vendor-exceptions.yaml, 1 otherwise, 2 on bad usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { assembleSpec } from './spec-bundle.js';
import { loadVendorContract, selectOperations, DEFAULT_CONTRACT_FILE, type OperationSet } from '../src/contract/vendor/contract.js';
import { compareSpecWithContract, extraOperations, formatDifference } from '../src/contract/vendor/compare-spec.js';
import { applyExceptions, loadVendorExceptions, DEFAULT_EXCEPTIONS_FILE } from '../src/contract/vendor/exceptions.js';

interface Options { spec: string; ops: OperationSet; json: boolean; summary: boolean; contract: string; exceptions: string }

function parseArgs(argv: string[]): Options {
  const local = path.resolve('spec', 'vendor-exceptions.yaml');
  const o: Options = { spec: 'generated/openapi.json', ops: 'all', json: false, summary: false, contract: DEFAULT_CONTRACT_FILE, exceptions: existsSync(local) ? local : DEFAULT_EXCEPTIONS_FILE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--summary') o.summary = true;
    else if (a.startsWith('--spec')) o.spec = value();
    else if (a.startsWith('--contract')) o.contract = value();
    else if (a.startsWith('--exceptions')) o.exceptions = value();
    else if (a.startsWith('--ops')) {
      const v = value();
      if (v !== 'surface' && v !== 'all') usage(`--ops is surface or all, not ${v}`);
      o.ops = v as OperationSet;
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  return o;
}

function usage(problem?: string): never {
  if (problem) console.error(problem);
  console.error('usage: npx tsx scripts/vendor-diff.ts [--spec generated/openapi.json] [--ops surface|all] [--json | --summary] [--contract file] [--exceptions file]');
  process.exit(problem ? 2 : 0);
}

async function loadSpec(file: string): Promise<Record<string, unknown>> {
  const text = readFileSync(file, 'utf8');
  const doc = (file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as Record<string, unknown>;
  return 'x-flowmock-parts' in doc ? assembleSpec(file) : doc;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const specFile = path.resolve(o.spec);
  const contract = loadVendorContract(o.contract);
  const exceptions = loadVendorExceptions(o.exceptions);
  const doc = await loadSpec(specFile);
  const results = compareSpecWithContract(doc, contract, selectOperations(contract, o.ops));
  const extra = extraOperations(doc, contract);
  const all = [...results.flatMap((r) => r.differences), ...extra];
  const { failing, excepted } = applyExceptions(all, exceptions);
  const extraFailing = extra.filter((d) => failing.includes(d));

  if (o.json) {
    console.log(JSON.stringify({
      spec: specFile, operations: results.length,
      differing: results.filter((r) => r.differences.some((d) => failing.includes(d))).length,
      extraOperations: extraFailing.length,
      differences: failing, excepted, notes: results.flatMap((r) => r.notes),
    }, null, 2));
  } else {
    for (const r of results) {
      if (o.summary) {
        const own = r.differences.filter((d) => failing.includes(d));
        const kinds = new Map<string, number>();
        for (const d of own) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
        console.log(`${String(own.length).padStart(4)}  ${r.operation.operation.padEnd(28)} ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
        continue;
      }
      const own = r.differences.filter((d) => failing.includes(d));
      const ownExcepted = excepted.filter((e) => r.differences.includes(e.difference)).length;
      const head = `${r.operation.operation} ${r.operation.method} ${r.operation.path}`;
      if (!own.length) {
        console.log(`ok   ${head}${ownExcepted ? ` (${ownExcepted} excepted)` : ''}`);
        continue;
      }
      console.log(`DIFF ${head}: ${own.length} difference(s)${ownExcepted ? `, ${ownExcepted} excepted` : ''}`);
      for (const d of own) console.log(`     - ${formatDifference(d)}`);
      for (const n of r.notes) console.log(`     note: ${n.message}`);
    }
    if (extraFailing.length) {
      console.log(`\nSpec operations under /api/v1 the vendor does not have (${extraFailing.length}):`);
      for (const d of extraFailing) console.log(`     - ${d.operation} ${d.spec}`);
    }
    const byKind = new Map<string, number>();
    for (const d of failing) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
    const conformant = results.filter((r) => !r.differences.some((d) => failing.includes(d))).length;
    console.log(`\n${conformant}/${results.length} vendor operations (${o.ops}) conform; ${extraFailing.length} spec operation(s) the vendor does not have; ${failing.length} difference(s) in all, ${excepted.length} excepted.`);
    if (byKind.size) console.log(`by kind: ${[...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  process.exit(failing.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
