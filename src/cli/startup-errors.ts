/**
 * Start-up and command failures as one line a person can act on (the CLI prints
 * `flowmock: <line>`), instead of a stack: a busy or forbidden port, an address not on this
 * machine, a database that cannot be opened, an optional package that is not installed.
 */
type NodeError = Error & { code?: string; port?: number; address?: string; syscall?: string };

/** Failures the CLI expects and explains fully (no stack would help). */
const EXPECTED = new Set(['CliError', 'ConfigError', 'DefinitionError', 'MissingPackageError', 'SqliteError', 'PostgresStoreError', 'ReplicaConflictError', 'SecretsFileError']);
const EXPECTED_CODES = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'ERR_MODULE_NOT_FOUND', 'ENOENT']);

export function isExpectedError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as NodeError;
  return EXPECTED.has(e.name) || EXPECTED.has(e.constructor.name) || (e.code !== undefined && EXPECTED_CODES.has(e.code));
}

export function describeStartupError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as NodeError;
  if (e.name === 'DefinitionError') return e.message; // the list of problems, one per line
  const where = e.port !== undefined ? `port ${e.port}${e.address ? ` on ${e.address}` : ''}` : 'the address';
  switch (e.code) {
    case 'EADDRINUSE':
      return `${where} is already in use (another flowmock, or another program); choose another with --port (or FLOWMOCK_PORT), or --port 0 for a free one.`;
    case 'EACCES':
      if (e.syscall === 'listen') return `no permission to listen on ${where}; ports below 1024 need extra rights: choose --port 1024 or above.`;
      return `permission denied: ${e.message}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${e.address ?? 'that host'}: it is not an address of this machine; use --host 127.0.0.1 or 0.0.0.0.`;
    case 'ERR_MODULE_NOT_FOUND': {
      const pkg = /Cannot find (?:package|module) '([^']+)'/.exec(e.message)?.[1];
      return pkg ? `this command needs the package ${pkg}, which is not installed: npm install --save-dev ${pkg}` : e.message.split('\n')[0];
    }
    default:
      break;
  }
  if (e.code?.startsWith('SQLITE_') || e.name === 'SqliteError') return `database: ${e.message.split('\n')[0]}`;
  return e.message.split('\n')[0];
}
