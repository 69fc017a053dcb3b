// Bundles the services' compiled start (dist/) into one file each, in dist/bundle/: a start then reads
// a handful of files instead of the ~2 000 JavaScript files of Nest, Fastify, rxjs, class-validator…
// that Node's module loader would resolve, read and compile one by one (most of a start's time).
// The input is tsc's output, not the TypeScript sources, so that the decorator metadata tsc emits
// (emitDecoratorMetadata, which esbuild does not produce) is kept as it is.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asciiSource } from './ascii-source.mjs';

/** Where the bundles are written; the worker bundles sit next to the services, where `new URL('./…-worker.js', import.meta.url)` finds them. */
export const BUNDLE_DIR = join('dist', 'bundle');

const ENTRY_POINTS = {
  api: 'dist/apps/api/src/main.js',
  relay: 'dist/apps/relay/src/main.js',
  projector: 'dist/apps/projector/src/main.js',
  'projection-worker': 'dist/libs/projections/src/projection-worker.js',
  'rebuild-worker': 'dist/libs/projections/src/rebuild-worker.js',
  'assessment-document.worker': 'dist/libs/assessment/src/assessment-document.worker.js',
};

const EXTERNAL = [
  // A native add-on, found by `bindings` relative to the package's own folder.
  'better-sqlite3',
  // Imported on the first rendering only, and they read files next to their own code
  // (pdfkit's AFM fonts through __dirname): loaded from node_modules as before.
  'pdfkit',
  'docx',
  // Optional packages Nest and @nestjs/platform-fastify probe for at run time; not installed.
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-express',
  '@fastify/view',
  // @nestjs/mapped-types' fallback when class-transformer/cjs/storage is missing; it is not.
  'class-transformer/storage',
];
// Bundled although they can look files up beside their own code: pino, whose transports start a
// worker from thread-stream's folder (the services' loggers write to stdout and use none), and
// @nestjs/swagger, which finds swagger-ui-dist's folder through its own `createRequire` (kept, so the
// documentation page's files are still served from node_modules).

/**
 * Two packages require other packages through `createRequire(import.meta.url)`, which from a bundle
 * would load second, unbundled copies from node_modules: @nestjs/mapped-types the storage of
 * class-transformer (a second copy holds none of the bundle's `@Type()` metadata, so `OmitType(…)`
 * DTOs would lose their nested types) and @nestjs/terminus all of @nestjs/swagger (~500 files). Their
 * local `require` is removed, so that esbuild resolves those calls to the bundled modules.
 */
const BUNDLED_REQUIRES = /node_modules\/@nestjs\/(mapped-types\/dist\/type-helpers\.utils|terminus\/dist\/health-check\/health-check\.decorator)\.js$/;
const LOCAL_REQUIRE = 'const require = createRequire(import.meta.url);';

const bundledRequires = {
  name: 'bundled-requires',
  setup(build) {
    build.onLoad({ filter: BUNDLED_REQUIRES }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!source.includes(LOCAL_REQUIRE)) throw new Error(`${path}: no "${LOCAL_REQUIRE}" line any more; see scripts/bundle-services.mjs`);
      return { contents: source.replace(LOCAL_REQUIRE, ''), loader: 'js' };
    });
  },
};

/**
 * class-validator's index requires every decorator it has, IsPhoneNumber among them, which requires
 * libphonenumber-js with its full metadata: evaluating that took ~25 ms of each start (a CPU profile of
 * the API's start on the bench's data, 2.3 % of it). No DTO validates a phone number, so the bundles
 * get a module in its place whose functions refuse loudly: a DTO that came to use IsPhoneNumber would
 * fail on its first validation, not pass unchecked.
 */
const PHONE_NUMBERS = /^libphonenumber-js\/max$/;
const phoneNumbersLeftOut = {
  name: 'phone-numbers-left-out',
  setup(build) {
    build.onResolve({ filter: PHONE_NUMBERS }, ({ path }) => ({ path, namespace: 'left-out' }));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, ({ path }) => ({
      loader: 'js',
      contents: `const leftOut = () => { throw new Error('${path} is left out of the bundles (scripts/bundle-services.mjs): IsPhoneNumber cannot be used'); };
module.exports = { parsePhoneNumber: leftOut, parsePhoneNumberFromString: leftOut, isValidPhoneNumber: leftOut };`,
    }));
  },
};

/**
 * Nest's two loggers each make an `Intl.DateTimeFormat` when their module is evaluated, to stamp the
 * lines they print. The first one made in a process also loads ICU's data: ~26 ms of each start of
 * the API (a CPU profile of a start on the bench's data), for a formatter that formats nothing here,
 * where the services log through pino. The bundles make each one on its first use instead, with the
 * same options. With labels-fr.ts's own formatters made on first use too, six alternated restarts on
 * the bench's data gave a first answer in 891–1 093 ms before (median 936), 866–1 021 after (902).
 */
const NEST_LOGGERS = /node_modules\/@nestjs\/common\/services\/(console-logger|logger)\.service\.js$/;
const NEST_DATE_FORMAT = 'const dateTimeFormatter = new Intl.DateTimeFormat(';

/** The text of the call that opens at `start` (its parentheses balanced), up to its closing one. */
function callAt(source, start) {
  let depth = 0;
  for (let i = source.indexOf('(', start); i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return source.slice(start, i + 1);
  }
  throw new Error('unbalanced call');
}

/** A Nest logger's source with its date formatter made on first use (the same call, the same options). */
export function dateFormatOnFirstUse(source, path) {
  const at = source.indexOf(NEST_DATE_FORMAT);
  if (at < 0) throw new Error(`${path}: no "${NEST_DATE_FORMAT}" any more; see scripts/bundle-services.mjs`);
  const call = callAt(source, at + 'const dateTimeFormatter = '.length);
  const lazy = `let dateTimeFormatterMade; const dateTimeFormatter = { format: (time) => (dateTimeFormatterMade ??= ${call}).format(time) }`;
  return source.replace(`const dateTimeFormatter = ${call}`, lazy);
}

const nestDateFormatsOnFirstUse = {
  name: 'nest-date-formats-on-first-use',
  setup(build) {
    build.onLoad({ filter: NEST_LOGGERS }, ({ path }) => ({ contents: dateFormatOnFirstUse(readFileSync(path, 'utf8'), path), loader: 'js' }));
  },
};

/**
 * esbuild's `keepNames` helper, as it writes it: every named function the bundle creates is passed
 * through it, the closures that Fastify, Nest and the application make for each request included.
 */
const NAME_HELPER = /^var __name = \((\w+), (\w+)\) => __defProp\(\1, "name", \{ value(?:: \2)?, configurable: true \}\);$/m;
/**
 * The same helper, except that it leaves a function alone when it already bears the name (all but the
 * few that esbuild renamed): redefining `name` to the value it has changes nothing but costs a
 * property redefinition, which V8 makes slow, on each of those closures (~5 % of a report's request
 * thread in a CPU profile). Functions keep an own, non-writable, configurable `name` either way.
 */
const CHEAP_NAME_HELPER = 'var __name = (target, value) => target.name === value ? target : __defProp(target, "name", { value, configurable: true });';

/** Each bundle with the cheap name helper, then in ASCII (scripts/ascii-source.mjs: half the memory its source takes in V8). */
function finishBundles(root) {
  for (const entry of Object.keys(ENTRY_POINTS)) {
    const path = join(root, BUNDLE_DIR, `${entry}.js`);
    const source = readFileSync(path, 'utf8');
    if (!NAME_HELPER.test(source)) throw new Error(`${path}: esbuild's __name helper is no longer written as scripts/bundle-services.mjs expects`);
    // One line replaced by one line, and no line added by the ASCII rewriting: the source map's line numbers stay right.
    writeFileSync(path, asciiSource(source.replace(NAME_HELPER, CHEAP_NAME_HELPER), path));
  }
}

export async function bundleServices(root) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir: BUNDLE_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // The stack traces of `node --enable-source-maps` name the TypeScript sources: esbuild follows
    // the maps tsc wrote next to dist/'s files.
    sourcemap: 'linked',
    sourcesContent: false,
    // Class and function names stay as written (esbuild renames clashing ones, e.g. a second `TargetDto`):
    // the OpenAPI schemas, Nest's logs and error messages are named after them.
    keepNames: true,
    external: EXTERNAL,
    plugins: [bundledRequires, phoneNumbersLeftOut, nestDateFormatsOnFirstUse],
    // CommonJS packages inside the bundle call `require` for Node's modules and for the externals above.
    banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  finishBundles(root);
}
