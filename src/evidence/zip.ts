/**
 * A minimal ZIP writer and reader for evidence bundles: entries are *stored*
 * (no compression: video does not compress, and an examiner can check each
 * member's bytes with any unzip tool), names are UTF-8, no ZIP64, so a bundle
 * holds at most 4 GiB - 1 byte in all.
 *
 * The writer streams each file once, computing CRC-32 and SHA-256 of exactly
 * the bytes it writes, and patches the local header in place afterwards.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { EvidenceError } from './errors.js';

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;
const UTF8_FLAG = 0x0800;
const VERSION = 20;
/** Made by: UNIX (3), so the external attributes carry a file mode. */
const MADE_BY = (3 << 8) | VERSION;
const FILE_MODE = 0o100644;
/** Largest offset or size without ZIP64. */
export const ZIP_MAX_BYTES = 0xffffffff;

/** What the writer knows of an entry once written. */
export interface WrittenEntry {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ZipWriter {
  /** Streams a file into the archive; `sha256` is of the bytes actually written. */
  addFile(name: string, sourcePath: string): Promise<WrittenEntry>;
  addBuffer(name: string, data: Uint8Array): Promise<WrittenEntry>;
  /** Writes the central directory, flushes and closes; returns the archive's size. */
  finish(): Promise<number>;
  /** Closes without finishing (the caller deletes the partial file). */
  abort(): Promise<void>;
}

interface CentralRecord {
  readonly name: Buffer;
  readonly crc: number;
  readonly size: number;
  readonly offset: number;
}

function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getUTCFullYear());
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

function checkName(name: string): Buffer {
  if (name === '' || name.startsWith('/') || name.split('/').some((part) => part === '..' || part === '') || name.includes('\\')) {
    throw new EvidenceError('INVALID', `zip entry name "${name}" must be a relative path without "..", empty parts or backslashes`);
  }
  return Buffer.from(name, 'utf8');
}

/** Opens `path` for writing (fails if it exists). `modified` is the time stamped on every entry. */
export async function createZipWriter(path: string, modified: Date): Promise<ZipWriter> {
  const handle = await open(path, 'wx');
  const stamp = dosDateTime(modified);
  const central: CentralRecord[] = [];
  const names = new Set<string>();
  let position = 0;

  const write = async (data: Uint8Array, at: number = position): Promise<void> => {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, at + done);
      done += bytesWritten;
    }
    if (at === position) position += data.length;
  };

  const localHeader = (name: Buffer, crc: number, size: number): Buffer => {
    const h = Buffer.alloc(LOCAL_HEADER);
    h.writeUInt32LE(LOCAL_SIG, 0);
    h.writeUInt16LE(VERSION, 4);
    h.writeUInt16LE(UTF8_FLAG, 6);
    h.writeUInt16LE(0, 8); // stored
    h.writeUInt16LE(stamp.time, 10);
    h.writeUInt16LE(stamp.date, 12);
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(size, 18);
    h.writeUInt32LE(size, 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(0, 28);
    return h;
  };

  const addChunks = async (name: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<WrittenEntry> => {
    const nameBytes = checkName(name);
    if (names.has(name)) throw new EvidenceError('INVALID', `zip entry "${name}" written twice`);
    names.add(name);
    const offset = position;
    await write(Buffer.concat([localHeader(nameBytes, 0, 0), nameBytes]));
    const hash = createHash('sha256');
    let crc = 0;
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (position + chunk.length > ZIP_MAX_BYTES) {
        throw new EvidenceError('TOO_LARGE', `the bundle would exceed 4 GiB (the ZIP limit without ZIP64): export a shorter time range`);
      }
      hash.update(chunk);
      crc = crc32(chunk, crc);
      await write(chunk);
    }
    // Patch CRC and sizes into the local header now that they are known.
    await write(localHeader(nameBytes, crc, size), offset);
    central.push({ name: nameBytes, crc, size, offset });
    return { name, bytes: size, sha256: hash.digest('hex') };
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };

  return {
    addFile: (name, sourcePath) => addChunks(name, createReadStream(sourcePath, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>),
    addBuffer: (name, data) => addChunks(name, [data]),
    async finish() {
      const start = position;
      for (const e of central) {
        const h = Buffer.alloc(CENTRAL_HEADER);
        h.writeUInt32LE(CENTRAL_SIG, 0);
        h.writeUInt16LE(MADE_BY, 4);
        h.writeUInt16LE(VERSION, 6);
        h.writeUInt16LE(UTF8_FLAG, 8);
        h.writeUInt16LE(0, 10);
        h.writeUInt16LE(stamp.time, 12);
        h.writeUInt16LE(stamp.date, 14);
        h.writeUInt32LE(e.crc, 16);
        h.writeUInt32LE(e.size, 20);
        h.writeUInt32LE(e.size, 24);
        h.writeUInt16LE(e.name.length, 28);
        // extra, comment, disk, internal attributes: 0
        h.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
        h.writeUInt32LE(e.offset, 42);
        await write(Buffer.concat([h, e.name]));
      }
      const end = Buffer.alloc(END_RECORD);
      end.writeUInt32LE(END_SIG, 0);
      end.writeUInt16LE(central.length, 8);
      end.writeUInt16LE(central.length, 10);
      end.writeUInt32LE(position - start, 12);
      end.writeUInt32LE(start, 16);
      await write(end);
      if (position > ZIP_MAX_BYTES) throw new EvidenceError('TOO_LARGE', 'the bundle would exceed 4 GiB: export a shorter time range');
      await handle.sync();
      await close();
      return position;
    },
    abort: close,
  };
}

/** One member of an archive being read. */
export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  /** CRC-32 the archive claims for the entry. */
  readonly crc32: number;
  /** Where the entry's bytes start in the archive. */
  readonly dataOffset: number;
}

export interface ZipReader {
  readonly entries: readonly ZipEntry[];
  /** The entry's bytes, in chunks. */
  chunks(entry: ZipEntry): AsyncIterable<Buffer>;
  /** The whole entry in memory (small entries: manifest, signature, key). */
  read(entry: ZipEntry): Promise<Buffer>;
  close(): Promise<void>;
}

function notAZip(path: string, why: string): EvidenceError {
  return new EvidenceError('NOT_A_BUNDLE', `${path} is not a readable bundle (${why}): was the file truncated or is it another kind of archive?`);
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

/** Reads the central directory of a stored (uncompressed) ZIP; refuses compressed or encrypted members. */
export async function openZip(path: string): Promise<ZipReader> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new EvidenceError('NOT_FOUND', `cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, END_RECORD + 0xffff);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let endAt = -1;
    for (let i = tail.length - END_RECORD; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_SIG) {
        endAt = i;
        break;
      }
    }
    if (endAt < 0) throw notAZip(path, 'no end of central directory');
    const count = tail.readUInt16LE(endAt + 10);
    const cdSize = tail.readUInt32LE(endAt + 12);
    const cdOffset = tail.readUInt32LE(endAt + 16);
    if (cdOffset + cdSize > size) throw notAZip(path, 'central directory out of bounds');
    const cd = await readAt(handle, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + CENTRAL_HEADER > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw notAZip(path, `central directory entry ${i + 1} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressed = cd.readUInt32LE(p + 20);
      const uncompressed = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + CENTRAL_HEADER, p + CENTRAL_HEADER + nameLength).toString('utf8');
      p += CENTRAL_HEADER + nameLength + extraLength + commentLength;
      if (method !== 0 || compressed !== uncompressed || (flags & 1) !== 0) {
        throw notAZip(path, `member "${name}" is compressed or encrypted; Vigie bundles store their files as they are`);
      }
      const local = await readAt(handle, localOffset, LOCAL_HEADER);
      if (local.length < LOCAL_HEADER || local.readUInt32LE(0) !== LOCAL_SIG) throw notAZip(path, `member "${name}" has no local header`);
      const dataOffset = localOffset + LOCAL_HEADER + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (dataOffset + compressed > size) throw notAZip(path, `member "${name}" runs past the end of the file`);
      entries.push({ name, size: compressed, crc32: crc, dataOffset });
    }
    const chunks = async function* (entry: ZipEntry): AsyncIterable<Buffer> {
      const step = 1024 * 1024;
      for (let at = 0; at < entry.size; at += step) yield await readAt(handle, entry.dataOffset + at, Math.min(step, entry.size - at));
    };
    return {
      entries,
      chunks,
      read: (entry) => readAt(handle, entry.dataOffset, entry.size),
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
