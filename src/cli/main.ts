/** The `flowmock` command line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { serve } from './serve.js';
import { keysCreate, keysList, keysRevoke, setPassword, token, CliError } from './admin.js';
import { lint, generate, mock } from './tools.js';
import { registerContractCommand } from './contract.js';
import { configFromEnv, ConfigError, type FlowmockConfig } from '../config.js';
import { DefinitionError } from '../engine/definitions/load.js';
import { parseCors } from '../http/cors.js';
import { parseFaultRule } from '../http/faults.js';

const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return Number(v);
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
  return n;
};

const program = new Command()
  .name('flowmock')
  .description('A stateful mock and reference server of the Smart Flows flow-execution API and PhixFlow actionflow API endpoints, from one OpenAPI 3.1 spec.')
  .showHelpAfterError();

program.command('serve', { isDefault: true })
  .description('run the reference server (SQLite store, demo flows, API-key auth)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .addOption(new Option('--port <port>', 'port (env PORT)').argParser(int('--port')))
  .addOption(new Option('--db <file>', 'SQLite file, or :memory: (env FLOWMOCK_DB)'))
  .addOption(new Option('--flows <dir>', 'folder of flow and actionflow definitions (env FLOWMOCK_FLOWS)'))
  .addOption(new Option('--speed <factor>', 'scale every flow step duration; 0 runs without waiting (env FLOWMOCK_SPEED)').argParser(num('--speed')))
  .addOption(new Option('--max-concurrent <n>', 'executions running at once; the rest are Queued').argParser(int('--max-concurrent')))
  .addOption(new Option('--clock <mode>', 'engine time: real, or virtual (moves only through POST /__flowmock/clock; env FLOWMOCK_CLOCK)').choices(['real', 'virtual']))
  .addOption(new Option('--body-limit <bytes>', 'largest request body (default 1 MiB)').argParser(int('--body-limit')))
  .addOption(new Option('--admin-key <key>', 'a known admin API key, at least 32 characters (env FLOWMOCK_ADMIN_KEY)'))
  .option('--validate-responses', 'check every response against the spec; a breaking one becomes a 500')
  .addOption(new Option('--phixflow-version <version>', 'PhixFlow version emulated: latest (default) or e.g. 11.2; up to 11.2 API users also need "View Table Actions" (env FLOWMOCK_PHIXFLOW_VERSION)'))
  .addOption(new Option('--log-level <level>', 'pino log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent']))
  .addOption(new Option('--seed <n>', 'seed of every random choice: dynamic Prefer bodies, fault latencies, ids on a new database (env FLOWMOCK_SEED)').argParser(int('--seed')))
  .addOption(new Option('--cors <origins|off>', "CORS: '*' (default), off, or comma-separated origins (env FLOWMOCK_CORS)").argParser((v: string) => {
    try {
      return parseCors(v);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  }))
  .addOption(new Option('--journal-max <n>', 'requests the journal keeps (GET /__flowmock/requests), oldest dropped first; 0 turns the journal off (default 10000)').argParser(int('--journal-max')))
  .option('--no-watch', 'do not reload the flow definitions and the spec when their files change')
  .addOption(new Option('--fault <rule>', "transport fault per route, repeatable: '[METHOD ]PATH=latency:200-500|fault:429|503|reset|truncate[,retry-after:S][,probability:P]'")
    .argParser((v: string, prev: string[] | undefined) => {
      try {
        parseFaultRule(v);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
      return [...(prev ?? []), v];
    }))
  .action(async (o) => {
    const cli: Partial<FlowmockConfig> = {
      host: o.host, port: o.port, db: o.db, flowsDir: o.flows, speed: o.speed, maxConcurrent: o.maxConcurrent, clock: o.clock,
      bodyLimitBytes: o.bodyLimit, adminKey: o.adminKey, validateResponses: o.validateResponses, logLevel: o.logLevel,
    };
    Object.assign(cli, { seed: o.seed, cors: o.cors, watch: o.watch, faults: o.fault, journalMaxEntries: o.journalMax, phixflowVersion: o.phixflowVersion });
    await serve({ ...configFromEnv(), ...Object.fromEntries(Object.entries(cli).filter(([, v]) => v !== undefined)) });
  });

const keys = program.command('keys').description('manage Smart Flows API keys in the database (no server needed)');
keys.command('create').description('create a key and print it once')
  .requiredOption('--user <name>', 'user name or id').option('--name <label>', 'what the key is for').option('--db <file>', 'SQLite file')
  .action((o) => keysCreate(o));
keys.command('list').description("list a user's active keys (metadata only)")
  .requiredOption('--user <name>', 'user name or id').option('--db <file>', 'SQLite file')
  .action((o) => keysList(o));
keys.command('revoke').description('revoke a key; calls with it are 401 at once')
  .argument('<id>', 'key id (from keys list)').option('--db <file>', 'SQLite file')
  .action((id, o) => keysRevoke({ id, db: o.db }));

program.command('users').description('manage users').command('set-password')
  .description('set the password a user logs in with (POST /api/v1/authenticate/login)')
  .requiredOption('--user <name>', 'user name or id')
  .requiredOption('--password <password>', 'the new password (at least 8 characters)')
  .option('--db <file>', 'SQLite file')
  .action((o) => setPassword(o));

program.command('token').description('print a PhixFlow API token (JWT, HS256, signed with the phixflow-api-key secret)')
  .requiredOption('--user <name>', 'user name (the token subject)')
  .option('--expires <duration>', 'lifetime such as 90s, 30m, 1h, 7d (default: no expiry)')
  .option('--db <file>', 'SQLite file the server uses (its secret is kept there unless FLOWMOCK_PHIXFLOW_API_KEY is set)')
  .action(async (o) => token(o));

program.command('lint').description('validate and lint the spec, and validate the flow definitions')
  .option('--flows <dir>', 'folder of definitions', 'flows')
  .action(async (o) => { process.exitCode = await lint(o.flows); });

program.command('generate').description('regenerate generated/ from spec/openapi.yaml')
  .option('--check', 'write nothing; fail when generated/ is out of date')
  .action(async (o) => { process.exitCode = await generate(Boolean(o.check)); });

program.command('mock').description("run Prism's mock of the spec (stateless examples) on port 4010")
  .addOption(new Option('--port <port>', 'port').default(4010).argParser(int('--port')))
  .option('--host <host>', 'address', '127.0.0.1')
  .option('--dynamic', 'generate data from the schemas instead of the examples')
  .action(async (o) => { process.exitCode = await mock(o.port, o.host, Boolean(o.dynamic)); });

registerContractCommand(program);

program.parseAsync().catch((err) => {
  if (err instanceof CliError || err instanceof ConfigError || err instanceof DefinitionError) {
    console.error(`flowmock: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
