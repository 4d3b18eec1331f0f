/**
 * `flowmock contract`: the contract suite through Prism's validating proxy, against the reference
 * server it starts itself or against --target (reading flow ids, actionflow names and credentials
 * from --fixtures). main.ts registers it with `registerContractCommand(program)`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadFixtures } from '../../contract-tests/fixtures.js';
import { runContract } from '../../contract-tests/run-contract.js';

const integer = (name: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return Number(v);
};

export function registerContractCommand(program: Command): Command {
  return program.command('contract')
    .description('run the contract tests through Prism\'s validating proxy (the reference server, or --target)')
    .option('--target <url>', 'base URL of the server to test; without it the reference server is started (in memory)')
    .option('--api-key <key>', 'Smart Flows API key with every permission (fixtures keys.admin)')
    .option('--phixflow-token <token>', 'PhixFlow token of a user with "Use API Key" and "Run Actions" (fixtures phixflow.tokens.privileged)')
    .addOption(new Option('--only <api>', 'run the scenarios of one API only').choices(['smartflows', 'phixflow']))
    .option('--fixtures <file>', 'JSON file with flow ids, actionflow names, users and keys (see README, For CI pipelines)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write a JSON report')
    .addOption(new Option('--seed <n>', 'seed of the generated negative cases (env FLOWMOCK_SEED)').argParser(integer('--seed')))
    .addOption(new Option('--negative-runs <n>', 'generated values per rule of the spec (default 2)').argParser(integer('--negative-runs')))
    .option('--quiet', 'print only failed checks as they run (the summary is always printed)')
    .option('--allow-known-issues', 'with --target: count the known issues of flowmock (contract-tests/known-issues.ts) as known, not failed')
    .action(async (o: { target?: string; apiKey?: string; phixflowToken?: string; only?: 'smartflows' | 'phixflow'; fixtures?: string; junit?: string; json?: string; seed?: number; negativeRuns?: number; quiet?: boolean; allowKnownIssues?: boolean }) => {
      if (o.target && !/^https?:\/\//.test(o.target)) throw new InvalidArgumentError('--target must be an http(s) URL.');
      if (!o.target && (o.fixtures || o.apiKey || o.phixflowToken)) {
        console.error('flowmock contract: --fixtures, --api-key and --phixflow-token apply to --target; the reference server makes its own.');
      }
      const fixtures = o.target ? loadFixtures(o.fixtures, { apiKey: o.apiKey, phixflowToken: o.phixflowToken }) : undefined;
      const result = await runContract({
        target: o.target, fixtures, only: o.only, junit: o.junit, json: o.json, quiet: o.quiet,
        seed: o.seed, negativeRuns: o.negativeRuns, allowKnownIssues: o.allowKnownIssues,
      });
      process.exitCode = result.ok ? 0 : 1;
    });
}
