// Waits until a freshly started broker serves a new topic end to end (created, its metadata
// known, a message acknowledged): "Kafka Server started" comes before a new KRaft broker's
// metadata settles, and clients that start at once meet UNKNOWN_TOPIC_OR_PARTITION.
import { setTimeout as sleep } from 'node:timers/promises';

const [broker = '127.0.0.1:9092', seconds = '60'] = process.argv.slice(2);
let kafkajs;
try {
  kafkajs = await import('kafkajs');
} catch {
  console.log('kafka.sh: kafkajs is not installed (npm install): not waiting for the broker to settle');
  process.exit(0);
}
const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ clientId: 'rollcall-kafka-warm-up', brokers: [broker], logLevel: logLevel.NOTHING });
const topic = `rollcall-warm-up-${process.pid}`;
const deadline = Date.now() + Number(seconds) * 1_000;
const started = Date.now();
const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });
for (;;) {
  try {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    await producer.send({ topic, acks: -1, messages: [{ value: 'warm-up' }] });
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    console.log(`kafka.sh: the broker serves new topics (settled in ${((Date.now() - started) / 1_000).toFixed(1)} s)`);
    break;
  } catch (error) {
    if (Date.now() > deadline) {
      console.error(`kafka.sh: the broker did not serve a new topic within ${seconds} s: ${error.message}`);
      process.exitCode = 1;
      break;
    }
    await sleep(250);
  }
}
await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
