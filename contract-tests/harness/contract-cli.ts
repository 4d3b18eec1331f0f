/**
 * `flowmock contract …` as a CI pipeline runs it, for the CLI tests: a child process (bin/flowmock.js
 * through tsx), its stdout and stderr together, its exit code. Each child leads its own process
 * group, so `stopContractClis()` (afterAll) can end a run cut short by a test timeout together with
 * the Prism processes it started, which would otherwise outlive it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../src/contract/harness/prism.js';

const running = new Set<ChildProcess>();

export function runContractCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'flowmock.js'), 'contract', '--quiet', ...args],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    let output = '';
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    child.once('error', (err) => {
      running.delete(child);
      reject(err);
    });
    child.once('exit', (code) => {
      running.delete(child);
      resolve({ code, output });
    });
  });
}

/** Ends the process group of every run still going (only after a timeout; a finished run stopped its own Prism). */
export function stopContractClis(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}
