// Jest global setup: the Kafka suites run in the one test command. When KAFKA_BROKERS is not set and
// a JDK and Maven are on PATH, a real single-node broker is started through infra/kafka/start.sh and
// stopped by the global teardown; otherwise the Kafka suites skip and say why in one line.
// SCORAN_TEST_KAFKA=off (set by `npm run test:unit`) never starts a broker.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const onPath = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** The test files that use the broker (they call describeKafka). */
function kafkaSuites(dir = join(repoRoot, 'tests')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return kafkaSuites(path);
    return entry.name.endsWith('.spec.ts') && readFileSync(path, 'utf8').includes('describeKafka(') ? [path] : [];
  });
}

/** A run limited to some files or projects starts no broker unless one of its files needs it. */
function runNeedsKafka(globalConfig) {
  const projects = globalConfig?.selectProjects;
  if (Array.isArray(projects) && projects.length && projects.every((name) => name === 'unit')) return false;
  const patterns = globalConfig?.testPathPatterns?.patterns ?? [];
  if (!patterns.length) return true;
  return kafkaSuites().some((file) => patterns.some((pattern) => new RegExp(pattern, 'i').test(file)));
}

function brokerRunning() {
  try {
    const pid = Number(readFileSync(join(process.env.KAFKA_CACHE_DIR ?? join(repoRoot, '.cache', 'kafka'), 'broker.pid'), 'utf8').trim());
    return pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return false;
  }
}

export default async function startKafkaForTests(globalConfig) {
  if (process.env.KAFKA_BROKERS?.trim()) return;
  if (!runNeedsKafka(globalConfig)) return;
  if (process.env.SCORAN_TEST_KAFKA === 'off') {
    process.env.SCORAN_KAFKA_SKIP_REASON = 'SCORAN_TEST_KAFKA=off';
    return;
  }
  const missing = ['java', 'javac', 'mvn'].filter((tool) => !onPath(tool));
  if (missing.length) {
    process.env.SCORAN_KAFKA_SKIP_REASON = `no ${missing.join(', ')} on PATH to start a test broker (JDK 17+ and Maven needed), and KAFKA_BROKERS is not set`;
    return;
  }
  const alreadyRunning = brokerRunning();
  process.stderr.write('\n[kafka] starting a single-node broker for the Kafka suites (infra/kafka/start.sh)…\n');
  const started = Date.now();
  const stdout = execFileSync('bash', [`${repoRoot}/infra/kafka/start.sh`], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const address = stdout.trim().split('\n').at(-1);
  if (!address || !/^127\.0\.0\.1:\d+$/.test(address)) throw new Error(`infra/kafka/start.sh printed no broker address (last line: ${address ?? '(none)'})`);
  process.env.KAFKA_BROKERS = address;
  // A broker someone started before the tests is theirs to stop.
  if (!alreadyRunning) process.env.SCORAN_KAFKA_STARTED_BY_TESTS = '1';
  process.stderr.write(`[kafka] broker at ${address} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
