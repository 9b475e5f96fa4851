/**
 * Where alerts leave Vigie for other systems (docs/INTEGRATIONS.md): an MQTT
 * broker (home-automation and VMS integrations) and signed webhooks (dispatch
 * software). Called after an event change is committed, never before.
 */
import type { CameraHealth } from '../pipeline/health.js';
import type { StoredEvent } from '../store/event-codec.js';

export interface IntegrationSink {
  /** A committed change of an event; must not throw nor block (deliveries run in the background). */
  onEvent(change: 'opened' | 'updated' | 'closed', item: StoredEvent): void;
  /** A camera's health changed (MQTT retained camera state). */
  onHealth(health: CameraHealth): void;
  close(): Promise<void>;
}
