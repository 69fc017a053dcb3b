// Stops the broker that the global setup started (and only that one).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default async function stopKafkaAfterTests() {
  if (process.env.SCORAN_KAFKA_STARTED_BY_TESTS !== '1') return;
  execFileSync('bash', [`${repoRoot}/infra/kafka/stop.sh`], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}
