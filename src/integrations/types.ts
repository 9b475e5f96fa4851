/**
 * Where alerts leave Vigie for other systems (docs/INTEGRATIONS.md): an MQTT
 * broker (home-automation and VMS integrations) and signed webhooks (dispatch
 * software). Called after an event change is committed, never before.
 */
import type { CameraHealth } from '../pipeline/health.js';
import type { StoredEvent } from '../store/event-codec.js';

export interface IntegrationSink {
  /**
   * A committed change of an event. Resolves once the change is queued durably
   * (written to the webhook outbox, handed to the MQTT client): callers that ack
   * a message wait for it, so a crash in between cannot lose a delivery. Never
   * rejects; deliveries themselves run in the background.
   */
  onEvent(change: 'opened' | 'updated' | 'closed', item: StoredEvent): Promise<void>;
  /** A camera's health changed (MQTT retained camera state). */
  onHealth(health: CameraHealth): void;
  close(): Promise<void>;
}
