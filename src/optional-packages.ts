/**
 * Optional packages that only some commands need (Prism for `flowmock contract` and `flowmock
 * mock`), found where Node would find them from flowmock's own place: in a clone, the repo's
 * node_modules; installed, the consumer's (hoisted) node_modules. A missing one is a one-line
 * message naming the package to install.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export class MissingPackageError extends Error {}

/** The JavaScript file of a package's command (`bin`), run with `node <file>`. */
export function packageBin(pkg: string, bin: string, neededFor: string): string {
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new MissingPackageError(`${neededFor} needs the package ${pkg}, which is not installed: npm install --save-dev ${pkg}`);
  }
  const manifest = require(manifestPath) as { bin?: string | Record<string, string> };
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
  if (!rel) throw new MissingPackageError(`${pkg} has no command ${bin}`);
  return path.join(path.dirname(manifestPath), rel);
}

export const prismBin = (neededFor: string) => packageBin('@stoplight/prism-cli', 'prism', neededFor);

/** Which of the packages cannot be found from here. */
export function missingPackages(names: string[]): string[] {
  return names.filter((name) => {
    for (const spec of [`${name}/package.json`, name]) {
      try {
        require.resolve(spec);
        return false;
      } catch {
        // try the next form (a package whose exports hide package.json)
      }
    }
    return true;
  });
}

/** The contract kit's optional dependencies (installed with flowmock unless --omit=optional). */
export const CONTRACT_PACKAGES = ['@stoplight/prism-cli', 'fast-check'];
