/**
 * The package's root folder (the one holding its package.json), found from this module's own
 * place, so it is the same whether the code runs from src/ through tsx or compiled from
 * dist/server/src/. Files read at run time (generated/, the dashboard's assets, node_modules/.bin)
 * are found from here, never from the working directory.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'generated'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`flowmock: no package root above ${start}`);
  }
}

export const PACKAGE_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
