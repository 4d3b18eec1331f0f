/**
 * `flowmock contract`: the contract suite through Prism's validating proxy, against the reference
 * server it starts itself, against --target (reading flow ids, actionflow names and credentials
 * from --fixtures), or against Prism's mock of the spec (`--target prism-mock`); `--compare`
 * runs the same scenarios against a second target and reports where the two disagree.
 * main.ts registers it with `registerContractCommand(program)`. The contract kit (with Prism and
 * fast-check, optional dependencies) is loaded only when the command runs.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CONTRACT_PACKAGES, MissingPackageError, missingPackages } from '../optional-packages.js';

// The kit's names for these targets (src/contract/harness/environment.ts, run-contract.ts),
// repeated here so that the options can be declared without loading the kit.
const PRISM_MOCK = 'prism-mock';
const REFERENCE = 'reference';

const integer = (name: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return Number(v);
};

const isUrl = (v: string) => /^https?:\/\//.test(v);

/** An http(s) URL or one of `keywords`, checked while parsing (commander prints the error without a stack). */
const target = (name: string, keywords: string[]) => (v: string) => {
  if (!isUrl(v) && !keywords.includes(v)) throw new InvalidArgumentError(`${name} must be an http(s) URL or ${keywords.map((k) => `"${k}"`).join(' or ')}.`);
  return v;
};

interface ContractOptions {
  target?: string; apiKey?: string; phixflowToken?: string; only?: 'smartflows' | 'phixflow'; fixtures?: string;
  compare?: string; compareFixtures?: string; junit?: string; json?: string; seed?: number; negativeRuns?: number;
  quiet?: boolean; allowKnownIssues?: boolean; allowSkips?: boolean;
}

export function registerContractCommand(program: Command): Command {
  return program.command('contract')
    .description('run the contract tests through Prism\'s validating proxy (the reference server, --target, or Prism\'s mock)')
    .addOption(new Option('--target <url>', `base URL of the server to test, or "${PRISM_MOCK}" for Prism's mock of the spec; without it the reference server is started (in memory)`)
      .argParser(target('--target', [PRISM_MOCK])))
    .option('--api-key <key>', 'Smart Flows API key with every permission (fixtures keys.admin)')
    .option('--phixflow-token <token>', 'PhixFlow token of a user with "Use API Key" and "Run Actions" (fixtures phixflow.tokens.privileged)')
    .addOption(new Option('--only <api>', 'run the scenarios of one API only').choices(['smartflows', 'phixflow']))
    .option('--fixtures <file>', 'JSON file with flow ids, actionflow names, users and keys (see README, For CI pipelines)')
    .addOption(new Option('--compare <target>', `run the same scenarios against a second target (a URL, "${PRISM_MOCK}" or "${REFERENCE}") and report where the two disagree`)
      .argParser(target('--compare', [PRISM_MOCK, REFERENCE])))
    .option('--compare-fixtures <file>', 'fixtures for a --compare URL (same format as --fixtures)')
    .option('--junit <file>', 'write a JUnit XML report (default: none)')
    .option('--json <file>', 'write a JSON report (default: none)')
    .addOption(new Option('--seed <n>', 'seed of the generated negative cases (env FLOWMOCK_SEED; default: random, printed)').argParser(integer('--seed')))
    .addOption(new Option('--negative-runs <n>', 'generated values per rule of the spec (default: 2)').argParser(integer('--negative-runs')))
    .option('--quiet', 'print only failed checks as they run; the summary is always printed (default: off)')
    .option('--allow-known-issues', 'with --target: count the known issues of flowmock (src/contract/known-issues.ts) as known, not failed (default: off)')
    .option('--allow-skips', 'exit 0 even when scenarios were skipped for missing credentials or fixtures (default: off: a skip fails the run)')
    .action(async (o: ContractOptions) => {
      const missing = missingPackages(CONTRACT_PACKAGES);
      if (missing.length) {
        throw new MissingPackageError(`flowmock contract needs the optional package${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}, not installed here: npm install --save-dev ${missing.join(' ')}`);
      }
      const { loadFixtures } = await import('../contract/fixtures.js');
      const { runContract } = await import('../contract/run-contract.js');
      const external = !!o.target && o.target !== PRISM_MOCK;
      if (!external && (o.fixtures || o.apiKey || o.phixflowToken)) {
        console.error(`flowmock contract: --fixtures, --api-key and --phixflow-token apply to a --target URL; the reference server and ${PRISM_MOCK} make their own.`);
      }
      const compareExternal = !!o.compare && isUrl(o.compare);
      if (o.compareFixtures && !compareExternal) console.error('flowmock contract: --compare-fixtures applies to a --compare URL only.');
      const result = await runContract({
        target: o.target, fixtures: external ? loadFixtures(o.fixtures, { apiKey: o.apiKey, phixflowToken: o.phixflowToken }) : undefined,
        compare: o.compare, compareFixtures: compareExternal ? loadFixtures(o.compareFixtures) : undefined,
        only: o.only, junit: o.junit, json: o.json, quiet: o.quiet,
        seed: o.seed, negativeRuns: o.negativeRuns, allowKnownIssues: o.allowKnownIssues, allowSkips: o.allowSkips,
      });
      process.exitCode = result.ok ? 0 : 1;
    });
}
