/** The store contract on the SQLite backend: one database file per test, in a temporary folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../../src/store/sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-contract-'));
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const fileOf = (name: string) => path.join(dir, `${name}.db`);

describeStoreContract(
  'sqlite',
  async (name) => openStore(fileOf(name), { env: {} }),
  async (name) => {
    for (const suffix of ['', '-wal', '-shm', '.secrets']) fs.rmSync(`${fileOf(name)}${suffix}`, { force: true });
  },
);
