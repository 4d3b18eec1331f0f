/**
 * Child processes the harness starts (Prism): spawned without a shell, their output kept for error
 * messages, stopped with SIGTERM then SIGKILL after a grace period. A process-exit hook kills
 * whatever is still running if the test runner dies before afterAll, so no process outlives us.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr so far (the last 64 KiB). */
  output(): string;
  exited(): boolean;
  /** Resolves when the process has exited (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export function spawnManaged(command: string, args: string[], opts: { cwd?: string } = {}): ManagedProcess {
  hookExit();
  const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  live.add(child);
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let hasExited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      live.delete(child);
      resolve();
    });
  });
  return {
    child,
    pid: child.pid,
    output: () => out,
    exited: () => hasExited,
    async stop(graceMs = 3_000) {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!hasExited) child.kill('SIGKILL');
      }, graceMs);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
