// Builds dist/index.js (one ESM file, no dependencies) and dist/*.d.ts, and copies the bundle into
// the extension (extension/lib/companion-sdk.js), which loads it as a module.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
rmSync(join(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(here, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  outfile: join(here, 'dist/index.js'),
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, [join(here, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
const lib = join(here, '../extension/lib');
mkdirSync(lib, { recursive: true });
copyFileSync(join(here, 'dist/index.js'), join(lib, 'companion-sdk.js'));
console.log('sdk: dist/index.js, dist/index.d.ts, extension/lib/companion-sdk.js');
