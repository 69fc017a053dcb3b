// Jest runs in native ESM mode (NestJS 12 ships ES modules only): see the "test" script.
// A few CommonJS packages require ES-only dependencies (e.g. @fastify/static → content-disposition);
// Node 20's require(esm) does not reach inside Jest's module system, so those few files are
// compiled to CommonJS on the fly.
const ESM_ONLY_REQUIRED_FROM_CJS = ['content-disposition'];
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
const cjsFromEsm = ['ts-jest', { useESM: true, tsconfig: { allowJs: true, module: 'NodeNext', moduleResolution: 'NodeNext', isolatedModules: true } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^#([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts', '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': tsJest,
    [`node_modules/(${ESM_ONLY_REQUIRED_FROM_CJS.join('|')})/.+\\.js$`]: cjsFromEsm,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_REQUIRED_FROM_CJS.join('|')})/)`],
  testEnvironment: 'node',
};
// The suffix names the project: .unit (no I/O), .int (files, SQLite, a broker), .e2e (a real HTTP server).
const roots = ['apps', 'libs', 'tests'];
export default {
  testTimeout: 60000,
  // dist/ built if stale (the projection worker runs the compiled script), then a real broker for the
  // Kafka suites in the same command (started unless KAFKA_BROKERS is set).
  globalSetup: '<rootDir>/tests/support/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/support/kafka-global-teardown.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: roots.map((root) => `<rootDir>/${root}/**/*.unit.spec.ts`) },
    { ...common, displayName: 'int', testMatch: roots.map((root) => `<rootDir>/${root}/**/*.int.spec.ts`) },
    { ...common, displayName: 'e2e', testMatch: roots.map((root) => `<rootDir>/${root}/**/*.e2e.spec.ts`) },
  ],
};
