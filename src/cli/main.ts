/**
 * The `flowmock` command line. Commands load what they need when they run (the server for
 * `serve`, the contract kit with Prism and fast-check for `contract`), so `--help`, `--version`
 * and the database commands work without the optional parts installed. Every failure is one line
 * on stderr and exit code 1 (FLOWMOCK_DEBUG=1 adds the stack).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BUNDLED_FLOWS_DIR, DEFAULT_CONFIG, defaultFlowsDir } from '../config.js';
import { SETTINGS, CONFIG_FILE } from '../settings.js';
import { loadSettings, settingOption } from './options.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { registerContractCommand } from './contract.js';
import { describeStartupError, isExpectedError } from './startup-errors.js';

const VERSION = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return Number(v);
};

const configOption = () => new Option('--config <file>', `config file of settings (env FLOWMOCK_CONFIG; default: ./${CONFIG_FILE} when it exists)`);
const dbOption = () => new Option('--db <file>', `SQLite file (env FLOWMOCK_DB; config db; default: ${DEFAULT_CONFIG.db})`);

const program = new Command()
  .name('flowmock')
  .description('A stateful mock and reference server of the Smart Flows flow-execution API and PhixFlow actionflow API endpoints, from one OpenAPI 3.1 spec.\n'
    + 'Without a command, `flowmock` runs `flowmock serve`.')
  .version(VERSION, '-V, --version', 'print the version')
  .showHelpAfterError('(add --help for usage)')
  .showSuggestionAfterError()
  .exitOverride();

const serveCmd = program.command('serve')
  .description('run the reference server (SQLite store, demo flows, API-key auth)')
  .addOption(configOption());
for (const s of SETTINGS) serveCmd.addOption(settingOption(s));
serveCmd.action(async (o: Record<string, unknown>) => {
  const { config, file } = loadSettings(o, o.config as string | undefined);
  const { serve } = await import('./serve.js');
  // Reload on change by default, except for the demo flows inside an installed package (nobody
  // edits node_modules; watching it is noise).
  const installed = PACKAGE_ROOT.split(path.sep).includes('node_modules');
  const bundledFlows = path.resolve(config.flowsDir ?? defaultFlowsDir()) === BUNDLED_FLOWS_DIR;
  await serve({ watch: !(installed && bundledFlows), ...config }, { configFile: file });
});

/** Options shared by the commands that open the database. */
const withDb = (c: Command) => c.addOption(dbOption()).addOption(configOption());
const admin = () => import('./admin.js');

const keys = program.command('keys').description('manage Smart Flows API keys in the database (no server needed)');
withDb(keys.command('create').description('create a key and print it once')
  .requiredOption('--user <name>', 'user name or id').option('--name <label>', 'what the key is for', 'Created with flowmock keys create'))
  .action(async (o) => (await admin()).keysCreate(o));
withDb(keys.command('list').description("list a user's active keys (metadata only)")
  .requiredOption('--user <name>', 'user name or id'))
  .action(async (o) => (await admin()).keysList(o));
withDb(keys.command('revoke').description('revoke a key; calls with it are 401 at once')
  .argument('<id>', 'key id (from keys list)'))
  .action(async (id, o) => (await admin()).keysRevoke({ ...o, id }));

const users = program.command('users').description('manage users in the database (no server needed)');
withDb(users.command('create').description('create a user (field names as the vendor\'s User model)')
  .requiredOption('--user-name <name>', 'userName: what the user logs in with')
  .option('--email-address <address>', 'emailAddress')
  .option('--first-name <name>', 'firstName')
  .option('--last-name <name>', 'lastName')
  .addOption(new Option('--role <role>', 'role').choices(['user', 'super-user', 'administrator']).default('user'))
  .option('--password <password>', 'a password to log in with (at least 8 characters; default: none, API keys only)')
  .option('--api-key', 'also create an API key for the user and print it once'))
  .action(async (o) => (await admin()).usersCreate(o));
withDb(users.command('list').description('list the users'))
  .action(async (o) => (await admin()).usersList(o));
withDb(users.command('disable').description('disable a user: every call with their keys or tokens is refused')
  .argument('<user>', 'user name or id'))
  .action(async (user, o) => (await admin()).usersSetEnabled({ ...o, user, enabled: false }));
withDb(users.command('enable').description('enable a disabled user again')
  .argument('<user>', 'user name or id'))
  .action(async (user, o) => (await admin()).usersSetEnabled({ ...o, user, enabled: true }));
withDb(users.command('set-password')
  .description('set the password a user logs in with (POST /api/v1/authenticate/login)')
  .requiredOption('--user <name>', 'user name or id')
  .requiredOption('--password <password>', 'the new password (at least 8 characters)'))
  .action(async (o) => (await admin()).setPassword(o));

withDb(program.command('token').description('print a PhixFlow API token (JWT, HS256, signed with the phixflow-api-key secret)')
  .requiredOption('--user <name>', 'user name (the token subject)')
  .option('--expires <duration>', 'lifetime such as 90s, 30m, 1h, 7d (default: no expiry)'))
  .action(async (o) => (await admin()).token(o));

program.command('lint').description('validate the flow definitions (and, in a clone of flowmock, lint the spec)')
  .option('--flows <dir>', 'folder of definitions (default: ./flows when it exists, else the bundled demo flows)')
  .action(async (o) => {
    const { lint } = await import('./tools.js');
    const { defaultFlowsDir } = await import('../config.js');
    process.exitCode = await lint(o.flows ?? defaultFlowsDir());
  });

program.command('generate').description('regenerate generated/ from spec/openapi.yaml (in a clone of flowmock)')
  .option('--check', 'write nothing; fail when generated/ is out of date (default: off)')
  .action(async (o) => { process.exitCode = await (await import('./tools.js')).generate(Boolean(o.check)); });

program.command('mock').description("run Prism's mock of the spec (stateless examples); needs @stoplight/prism-cli")
  .addOption(new Option('--port <port>', 'port').default(4010).argParser(int('--port')))
  .option('--host <host>', 'address', '127.0.0.1')
  .option('--dynamic', 'generate data from the schemas instead of the examples (default: off)')
  .action(async (o) => { process.exitCode = await (await import('./tools.js')).mock(o.port, o.host, Boolean(o.dynamic)); });

registerContractCommand(program);

// Every subcommand: its own errors handled below, not by process.exit inside commander.
for (const c of program.commands) {
  c.exitOverride();
  for (const sub of c.commands) sub.exitOverride();
}

/** `flowmock`, `flowmock --port 9000`: serve (the first argument is no command). */
function withDefaultCommand(argv: string[]): string[] {
  const args = argv.slice(2);
  const first = args[0];
  const global = ['-h', '--help', '-V', '--version'];
  if (first === undefined || (first.startsWith('-') && !global.includes(first))) return [...argv.slice(0, 2), 'serve', ...args];
  return argv;
}

program.parseAsync(withDefaultCommand(process.argv)).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Commander printed its message (unknown command or option, bad value, --help, --version).
    process.exit(err.exitCode);
  }
  console.error(`flowmock: ${describeStartupError(err)}`);
  if (process.env.FLOWMOCK_DEBUG === '1' && err instanceof Error) console.error(err.stack);
  else if (!isExpectedError(err)) console.error('(FLOWMOCK_DEBUG=1 shows the stack)');
  process.exit(1);
});
