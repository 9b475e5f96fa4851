/**
 * A minimal RTSP 1.0 server over TCP: OPTIONS, DESCRIBE, SETUP (RTP over the
 * RTSP connection, interleaved; UDP is refused with 461), PLAY, TEARDOWN,
 * GET_PARAMETER/SET_PARAMETER (keep-alive). Each playing connection gets the
 * packets of its camera's feed. Enough for ffmpeg/ffprobe with `-rtsp_transport tcp`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { CameraFeed } from './camera-feed.js';
import { interleavedFrame } from './rtp.js';
import {
  basicAuthMatches,
  cameraOfUrl,
  cameraSdp,
  formatResponse,
  interleavedChannels,
  parseRtspInput,
  type RtspRequest,
} from './rtsp-protocol.js';

export interface RtspServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly feeds: ReadonlyMap<string, CameraFeed>;
  /** Basic credentials every request must carry; none when undefined. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Cameras answered with 503 (fault `down`). */
  readonly isDown: (camera: string) => boolean;
}

/** A client whose socket buffers more than this is too slow for live video: it is disconnected. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

interface Connection {
  readonly socket: Socket;
  camera: string | null;
  session: string | null;
  channel: number;
  unsubscribe: (() => void) | null;
}

export class RtspServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();

  constructor(private readonly options: RtspServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : this.options.port);
      });
    });
  }

  /** Closes every connection to `camera` (fault `drop`, or `down`). */
  dropClients(camera: string): void {
    for (const connection of this.connections) {
      if (connection.camera === camera) connection.socket.destroy();
    }
  }

  /** Connections currently playing `camera`. */
  playingClients(camera: string): number {
    let count = 0;
    for (const connection of this.connections) if (connection.camera === camera && connection.unsubscribe) count += 1;
    return count;
  }

  close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connection: Connection = { socket, camera: null, session: null, channel: 0, unsubscribe: null };
    this.connections.add(connection);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      try {
        const parsed = parseRtspInput(pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk);
        pending = Buffer.from(parsed.rest);
        for (const request of parsed.requests) this.handle(connection, request);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => undefined); // resets by clients are normal
    socket.on('close', () => {
      connection.unsubscribe?.();
      connection.unsubscribe = null;
      this.connections.delete(connection);
    });
  }

  private handle(connection: Connection, request: RtspRequest): void {
    const cseq = request.headers.get('cseq');
    const reply = (status: number, headers: Record<string, string> = {}, body = ''): void => {
      if (!connection.socket.destroyed) connection.socket.write(formatResponse(status, cseq, headers, body));
    };
    if (request.method === 'OPTIONS') {
      reply(200, { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER, SET_PARAMETER' });
      return;
    }
    const { credentials } = this.options;
    if (credentials && !basicAuthMatches(request.headers.get('authorization'), credentials.username, credentials.password)) {
      reply(401, { 'WWW-Authenticate': 'Basic realm="vigie-testcam"' });
      return;
    }
    const camera = cameraOfUrl(request.url);
    const feed = camera === null ? undefined : this.options.feeds.get(camera);
    if (camera === null || feed === undefined) {
      reply(404);
      return;
    }
    if (this.options.isDown(camera) && request.method !== 'TEARDOWN') {
      reply(503);
      return;
    }
    const sessionHeader: Record<string, string> = connection.session === null ? {} : { Session: `${connection.session};timeout=60` };
    switch (request.method) {
      case 'DESCRIBE': {
        const base = request.url.endsWith('/') ? request.url : `${request.url}/`;
        reply(200, { 'Content-Type': 'application/sdp', 'Content-Base': base }, cameraSdp(camera, feed.fps));
        return;
      }
      case 'SETUP': {
        const channels = interleavedChannels(request.headers.get('transport'));
        if (channels === null) {
          reply(461); // only RTP over the RTSP connection (ffmpeg: -rtsp_transport tcp)
          return;
        }
        connection.camera = camera;
        connection.channel = channels[0];
        connection.session ??= randomBytes(8).toString('hex');
        reply(200, {
          Transport: `RTP/AVP/TCP;unicast;interleaved=${channels[0]}-${channels[1]}`,
          Session: `${connection.session};timeout=60`,
        });
        return;
      }
      case 'PLAY': {
        if (connection.session === null || connection.camera !== camera) {
          reply(454);
          return;
        }
        reply(200, { ...sessionHeader, Range: 'npt=0.000-' });
        connection.unsubscribe ??= feed.subscribe((packet) => this.send(connection, packet));
        return;
      }
      case 'TEARDOWN':
        reply(200, sessionHeader);
        connection.socket.end();
        return;
      case 'GET_PARAMETER':
      case 'SET_PARAMETER':
        reply(200, sessionHeader);
        return;
      default:
        reply(405, { Allow: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER, SET_PARAMETER' });
    }
  }

  private send(connection: Connection, packet: Buffer): void {
    const { socket } = connection;
    if (socket.destroyed) return;
    if (socket.writableLength > MAX_BUFFERED_BYTES) {
      socket.destroy();
      return;
    }
    socket.write(interleavedFrame(connection.channel, packet));
  }
}
