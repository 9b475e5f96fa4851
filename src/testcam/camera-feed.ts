/**
 * One test camera's video: an ffmpeg loops the clip in real time, encodes
 * H.264 and sends RTP over loopback UDP; this feed relays the packets to the
 * playing RTSP clients with its own sequence numbers, timestamps and SSRC, so
 * the stream stays continuous across injected faults:
 *  - `silent`: nothing is relayed (connections stay open);
 *  - `freeze`: the last key frame is resent at the frame rate, so clients decode bit-identical pictures;
 *  - `corrupt`: a share of slice packets get damaged payloads (headers intact).
 */
import { createSocket, type Socket } from 'node:dgram';
import { startFfmpeg, type FfmpegProcess } from '../media/ffmpeg-process.js';
import {
  carriesIdr,
  carriesSliceData,
  corruptPayload,
  H264_CLOCK_HZ,
  hasMarker,
  isRtcp,
  rewriteHeader,
  rtpTimestamp,
  startsKeyFrame,
} from './rtp.js';

export type FeedMode = 'live' | 'silent' | 'freeze';

export interface CameraFeedOptions {
  readonly name: string;
  readonly file: string;
  readonly fps: number;
  readonly width: number;
  readonly ffmpegPath?: string;
  /** Share of slice packets damaged while corrupt, in (0,1]. Default 0.5. */
  readonly corruptShare?: number;
  readonly random?: () => number;
  readonly onLog?: (line: string) => void;
}

/** Receives relayed RTP packets (already rewritten); must not keep the buffer after returning. */
export type RtpSink = (packet: Buffer) => void;

interface Subscriber {
  readonly sink: RtpSink;
  /** A client joining mid-stream gets nothing until a key frame starts. */
  waitingForKeyFrame: boolean;
}

const RESTART_DELAY_MS = 1_000;
const UDP_PACKET_SIZE = 1200;
const BYTES_DAMAGED_PER_PACKET = 8;

export class CameraFeed {
  private socket: Socket | null = null;
  private proc: FfmpegProcess | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private freezeTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private readonly subscribers = new Set<Subscriber>();
  private readonly ssrc: number;
  private readonly random: () => number;
  private readonly frameTicks: number;
  private mode: FeedMode = 'live';
  private corrupt = false;
  private corruptCounter = 0;

  private seq = 0;
  private lastOutTs: number | null = null;
  private lastOutWallMs = 0;
  private tsOffset = 0;
  private needsAnchor = true;

  private group: { ts: number; packets: Buffer[]; idr: boolean } | null = null;
  private lastKeyFrame: Buffer[] | null = null;
  private keyFrameWaiters: (() => void)[] = [];
  private packetsRelayed = 0;

  constructor(private readonly options: CameraFeedOptions) {
    this.random = options.random ?? Math.random;
    this.ssrc = Math.floor(this.random() * 0xffffffff);
    this.frameTicks = Math.round(H264_CLOCK_HZ / options.fps);
  }

  get name(): string {
    return this.options.name;
  }

  get fps(): number {
    return this.options.fps;
  }

  /** Binds the UDP port and starts the encoder; resolves once a first key frame has arrived. */
  async start(readyTimeoutMs: number): Promise<void> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (packet) => this.onPacket(packet));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.spawnEncoder();
    await this.waitForKeyFrame(readyTimeoutMs);
  }

  /** Current fault state, for reports. */
  status(): { mode: FeedMode; corrupt: boolean; clients: number; packetsRelayed: number; encoderPid: number | null } {
    return {
      mode: this.mode,
      corrupt: this.corrupt,
      clients: this.subscribers.size,
      packetsRelayed: this.packetsRelayed,
      encoderPid: this.proc?.pid ?? null,
    };
  }

  subscribe(sink: RtpSink): () => void {
    const subscriber: Subscriber = { sink, waitingForKeyFrame: true };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  setMode(mode: FeedMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    if (this.freezeTimer) clearInterval(this.freezeTimer);
    this.freezeTimer = null;
    if (mode === 'freeze') {
      this.freezeTimer = setInterval(() => this.resendKeyFrame(), 1000 / this.options.fps);
      this.resendKeyFrame();
    }
    // Live packets resume at the next key frame, timestamps continuing from the last sent.
    if (mode === 'live') this.needsAnchor = true;
  }

  setCorrupt(corrupt: boolean): void {
    this.corrupt = corrupt;
  }

  /** Stops the encoder (reaped) and the UDP socket. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.freezeTimer) clearInterval(this.freezeTimer);
    this.subscribers.clear();
    for (const wake of this.keyFrameWaiters) wake();
    this.keyFrameWaiters = [];
    await this.proc?.stop();
    this.proc = null;
    this.socket?.close();
    this.socket = null;
  }

  // ---- encoder ------------------------------------------------------------------------

  private spawnEncoder(): void {
    const port = this.socket!.address().port;
    const { fps, width, file } = this.options;
    const proc = startFfmpeg({
      command: this.options.ffmpegPath,
      args: [
        '-hide_banner', '-loglevel', 'error', '-nostdin',
        '-re', '-stream_loop', '-1', '-i', file,
        '-an', '-map', '0:v:0',
        '-vf', `fps=${fps},scale=${width}:-2`,
        '-pix_fmt', 'yuv420p',
        // One key frame a second, no B-frames: clients start fast and latency stays low.
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(Math.max(1, Math.round(fps))), '-bf', '0',
        '-f', 'rtp', `udp://127.0.0.1:${port}?pkt_size=${UDP_PACKET_SIZE}`,
      ],
      onStderrLine: (line) => this.options.onLog?.(`[${this.name} encoder] ${line}`),
    });
    this.proc = proc;
    this.needsAnchor = true; // a new encoder starts its own RTP timeline: re-anchor ours on its first key frame
    proc.stdout.resume(); // the RTP muxer prints its SDP there; ours is written by hand
    void proc.exited.then((exit) => {
      if (this.proc === proc) this.proc = null;
      if (this.closed) return;
      this.options.onLog?.(`[${this.name}] encoder exited (code ${exit.code}, signal ${exit.signal}); restarting in ${RESTART_DELAY_MS} ms`);
      this.restartTimer = setTimeout(() => this.spawnEncoder(), RESTART_DELAY_MS);
    });
  }

  private waitForKeyFrame(timeoutMs: number): Promise<void> {
    if (this.lastKeyFrame) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const tail = this.proc?.stderrTail().join(' | ') ?? '';
        reject(new Error(`test camera ${this.name}: no video from ffmpeg within ${timeoutMs} ms (file ${this.options.file})${tail ? `: ${tail}` : ''}`));
      }, timeoutMs);
      this.keyFrameWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // ---- relay --------------------------------------------------------------------------

  private onPacket(packet: Buffer): void {
    if (this.closed || isRtcp(packet) || packet.length < 12) return;
    // While frozen the picture resent must stay the same one.
    if (this.mode !== 'freeze') this.trackKeyFrame(packet);
    if (this.mode !== 'live') return;
    if (this.needsAnchor) {
      if (!startsKeyFrame(packet)) return;
      this.tsOffset = this.nextTimestamp() - rtpTimestamp(packet);
      this.needsAnchor = false;
    }
    this.emit(packet, rtpTimestamp(packet) + this.tsOffset);
  }

  /** Keeps the packets of the latest complete IDR access unit, for `freeze`. */
  private trackKeyFrame(packet: Buffer): void {
    const ts = rtpTimestamp(packet);
    if (this.group === null || this.group.ts !== ts) this.group = { ts, packets: [], idr: false };
    this.group.packets.push(Buffer.from(packet));
    if (carriesIdr(packet)) this.group.idr = true;
    if (hasMarker(packet) && this.group.idr && startsKeyFrame(this.group.packets[0]!)) {
      this.lastKeyFrame = this.group.packets;
      this.group = null;
      for (const wake of this.keyFrameWaiters) wake();
      this.keyFrameWaiters = [];
    }
  }

  private resendKeyFrame(): void {
    if (!this.lastKeyFrame) return;
    const ts = this.nextTimestamp();
    for (const packet of this.lastKeyFrame) this.emit(packet, ts);
  }

  /** Timestamp of the next picture after a switch: one frame or the wall time elapsed after the last, whichever is later. */
  private nextTimestamp(): number {
    if (this.lastOutTs === null) return Math.floor(this.random() * 0x7fffffff);
    const elapsedTicks = Math.round(((Date.now() - this.lastOutWallMs) * H264_CLOCK_HZ) / 1000);
    return this.lastOutTs + Math.max(this.frameTicks, elapsedTicks);
  }

  private emit(source: Buffer, timestamp: number): void {
    let packet: Buffer = Buffer.from(source);
    rewriteHeader(packet, this.seq, timestamp, this.ssrc);
    this.seq = (this.seq + 1) & 0xffff;
    this.lastOutTs = timestamp >>> 0;
    this.lastOutWallMs = Date.now();
    if (this.corrupt && carriesSliceData(packet)) {
      const share = this.options.corruptShare ?? 0.5;
      this.corruptCounter += share;
      if (this.corruptCounter >= 1) {
        this.corruptCounter -= 1;
        packet = corruptPayload(packet, BYTES_DAMAGED_PER_PACKET, this.random);
      }
    }
    const keyFrameStart = startsKeyFrame(packet);
    for (const subscriber of this.subscribers) {
      if (subscriber.waitingForKeyFrame) {
        if (!keyFrameStart) continue;
        subscriber.waitingForKeyFrame = false;
      }
      subscriber.sink(packet);
    }
    this.packetsRelayed += 1;
  }
}
