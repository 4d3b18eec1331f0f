/** `flowmock serve`: the reference server with its embedded defaults. */
import path from 'node:path';
import { createApp } from '../app.js';
import { DEFAULT_CONFIG, type FlowmockConfig } from '../config.js';
import { storeTarget } from '../store/open-store.js';
import { CliError } from './errors.js';

/** A database that cannot be opened, named by its path (the error itself does not say which file). */
export function namedDatabaseError(err: unknown, db: string | undefined): unknown {
  if (err instanceof Error && (err.name === 'SqliteError' || (err as { code?: string }).code?.startsWith('SQLITE_'))) {
    return new CliError(`database ${db ? path.resolve(db) : '(default)'}: ${err.message.split('\n')[0]}`);
  }
  return err;
}

export async function serve(config: Partial<FlowmockConfig>, opts: { configFile?: string | null } = {}): Promise<void> {
  let fm: Awaited<ReturnType<typeof createApp>>;
  try {
    fm = await createApp(config);
  } catch (err) {
    throw namedDatabaseError(err, config.db ?? DEFAULT_CONFIG.db);
  }
  let base: string;
  try {
    base = await fm.listen();
  } catch (err) {
    await fm.close();
    throw err;
  }
  const target = storeTarget(fm.config);
  const db = target.kind === 'postgres' ? `${(await import('../store/postgres/pool.js')).describePgUrl(target.url)} (PostgreSQL)`
    : target.file === ':memory:' || target.file === '' ? ':memory: (in memory; gone at the stop)' : path.resolve(target.file);
  if (fm.config.printStartup) {
    const lines = [
      '',
      `flowmock is listening on ${base}`,
      `  Dashboard     ${base}/__flowmock/`,
      `  Swagger UI    ${base}/swagger-ui/`,
      `  OpenAPI spec  ${base}/openapi.json  (${base}/openapi.yaml)`,
      `  Smart Flows   ${base}/api/v1`,
      `  PhixFlow      ${base}/phixflow/api/1/action`,
      `  database      ${db}${fm.seed.freshDatabase ? ' (new)' : ''}`,
      ...(opts.configFile ? [`  config file   ${path.resolve(opts.configFile)}`] : []),
      `  flows         ${fm.config.flowsDir} (${fm.services.definitions().flows.length} flows, ${fm.services.definitions().actionflows.length} actionflows), speed ${fm.config.speed}`,
    ];
    if (fm.config.clock === 'virtual') {
      lines.push(`  clock         virtual at ${fm.services.clock.now().toISOString()}: it moves only with POST ${base}/__flowmock/clock`);
    }
    const extras = [
      fm.watching ? 'reload on change (flows, spec)' : 'no reload on change',
      ...(fm.config.seed !== undefined ? [`seed ${fm.config.seed}`] : []),
      ...(fm.config.faults.length ? [`${fm.config.faults.length} fault rule${fm.config.faults.length > 1 ? 's' : ''}`] : []),
      `CORS ${Array.isArray(fm.config.cors) ? fm.config.cors.join(' ') : fm.config.cors}`,
    ];
    lines.push(`  integrators   ${extras.join(', ')}`);
    if (fm.recovered.executions || fm.recovered.processes) {
      lines.push(`  recovered     ${fm.recovered.executions} executions and ${fm.recovered.processes} actionflow runs were live at the last stop; marked Interrupted`);
    }
    if (fm.seed.newKeys.length) {
      lines.push('', 'New API keys (shown once; they are stored only as hashes):');
      for (const k of fm.seed.newKeys) lines.push(`  ${k.username.padEnd(11)} ${k.key}`);
      lines.push('', `Try: curl -H "X-API-Key: <key>" ${base}/api/v1/users/me`);
    }
    if (fm.config.adminKey) lines.push('', 'The configured admin key (FLOWMOCK_ADMIN_KEY / --admin-key) is active for user admin.');
    console.log(lines.join('\n') + '\n');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    fm.logger.info({ signal }, 'stopping');
    fm.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
