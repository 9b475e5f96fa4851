/**
 * The NATS connection of a Vigie process (worker or API node): it reconnects
 * forever, because a NATS restart must not stop a camera or an API node; only the
 * first connection fails fast, with a message the operator can act on.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** NATS cannot be used for a reason the person at the terminal can fix (printed on one line). */
export class BusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusError';
  }
}

export interface ConnectNatsOptions {
  /** Wait between reconnection attempts (ms); default 1000. */
  readonly reconnectWaitMs?: number;
  /** Timeout of the first connection (ms); default 5000. */
  readonly timeoutMs?: number;
  /** Told of disconnections and reconnections (one line each). */
  readonly onLog?: (line: string) => void;
}

export async function connectNats(url: string, name: string, options: ConnectNatsOptions = {}): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectWaitMs ?? 1000,
      timeout: options.timeoutMs ?? 5000,
      // Pings every 5 s: a server that vanished without closing the socket is noticed within ~10 s.
      pingInterval: 5000,
      maxPingOut: 2,
    });
  } catch (err) {
    throw new BusError(`cannot reach NATS at ${url}: is it running? check --nats (${err instanceof Error ? err.message : String(err)})`);
  }
  const log = options.onLog;
  if (log) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') log(`NATS: disconnected from ${s.server}, reconnecting`);
        else if (s.type === 'reconnect') log(`NATS: reconnected to ${s.server}`);
      }
    })();
  }
  return nc;
}
