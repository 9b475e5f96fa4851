/** Vigie's scale-out bus on NATS JetStream (docs/SCALE-OUT.md); contracts in ../types.ts. */
export { BusError, connectNats, type ConnectNatsOptions } from './connection.js';
export { DEFAULT_DUPLICATE_WINDOW_MS, DEFAULT_MAX_AGE_MS, EVENT_STREAM, EVENT_SUBJECT_PREFIX, ensureEventStream, eventSubject, subjectToken, type EventStreamOptions } from './stream.js';
export { createEventPublisher, PublisherClosedError, type EventPublisherOptions } from './publisher.js';
export { createEventConsumer, type EventConsumerOptions } from './consumer.js';
export { CONFIG_CHANGED_SUBJECT, HEALTH_SUBJECT_PREFIX, notifyConfigChanged, onConfigChanged, publishHealth, subscribeHealth } from './notices.js';
export { LEASE_BUCKET, LEASE_KEY_PREFIX, watchLeases, type LeaseView } from './lease-view.js';
export { decodeEventMessage } from './message.js';
