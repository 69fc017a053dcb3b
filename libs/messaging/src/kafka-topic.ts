import type { Kafka } from 'kafkajs';
import type { MessagingLogger } from './messaging-logger.js';

/**
 * Creates the topic when missing, so that neither side depends on the broker's auto-creation (off on
 * many production clusters) nor meets "unknown topic" errors while it happens.
 */
export async function ensureTopic(kafka: Kafka, topic: string, numPartitions: number, logger: MessagingLogger): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return;
    // Resolves false when another client created it in the meantime.
    const created = await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
    if (created) logger.info({ topic, partitions: numPartitions }, 'topic created');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
