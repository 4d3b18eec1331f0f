// A light TypeScript transform for jest: esbuild strips the types and keeps the ES modules
// (jest runs them natively with node --experimental-vm-modules). No type checking here: tsc does that.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'external', sourcefile: filename });
    return { code, map };
  },
};
