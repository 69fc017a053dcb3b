// Builds dist/ when it is missing or older than any TypeScript source, so that `npm start` works on a fresh clone,
// then the services' bundles (scripts/bundle-services.mjs) from it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_DIR, bundleServices } from './bundle-services.mjs';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

// `--clean` (npm run build): dist/ is emptied first, so that the compiled files of removed sources do not linger there.
const clean = process.argv.includes('--clean');
if (clean) rmSync(join(root, 'dist'), { recursive: true, force: true });

const sources = Math.max(...['apps', 'libs', 'tests/bench'].map((d) => (existsSync(join(root, d)) ? newest(join(root, d)) : 0)));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  process.stderr.write('Building scoran-tracker…\n');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  } finally {
    // tsc emits JavaScript despite type errors: it is bundled all the same, and the stamp left stale
    // (the error still ends this script), as the compiled files were before.
    await bundleServices(root);
  }
  execFileSync('touch', [stamp]);
} else if (!existsSync(join(root, BUNDLE_DIR, 'api.js'))) {
  // A dist/ compiled before the bundles existed.
  await bundleServices(root);
}
