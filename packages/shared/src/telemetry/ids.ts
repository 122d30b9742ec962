// The install's device id: a random UUID v4, made once and stored in the config, so events from
// one machine can be grouped without naming the machine or the user. `dr self telemetry reset`
// makes a new one.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A new random device id (UUID v4, lower case). */
export function newDeviceId(): string {
  return randomUuid();
}

/**
 * A random UUID v4 (lower case), as crypto.randomUUID() makes, from the same kernel source:
 * read from /dev/urandom where there is one, because loading node:crypto loads some thirty
 * more of Node's modules (streams among them), a few milliseconds of every recording run.
 * Where there is none (Windows), node:crypto gives the bytes.
 */
export function randomUuid(): string {
  const bytes = Buffer.from(nextRandomBytes(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Random bytes from one read of the kernel's generator, enough for a run's few ids. */
let pool: Buffer = Buffer.alloc(0);
let poolOffset = 0;
const POOL_SIZE = 256;

function nextRandomBytes(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    pool = kernelRandomBytes(POOL_SIZE) ?? cryptoRandomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}

function kernelRandomBytes(size: number): Buffer | undefined {
  let fd: number;
  try {
    // Non-blocking, and only a character device: a FIFO or plain file planted there would hang
    // dr or repeat its ids.
    fd = openSync('/dev/urandom', constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isCharacterDevice()) return undefined;
    const bytes = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, null);
      if (read === 0) return undefined;
      filled += read;
    }
    return bytes;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function cryptoRandomBytes(size: number): Buffer {
  return process.getBuiltinModule('node:crypto').randomBytes(size);
}

/**
 * Whether `value` can serve as a device id: a canonical RFC 9562 UUID (any version, so an id
 * written by another dr build is kept). The nil and max UUIDs, which Amplitude rejects, are not.
 */
export function isValidDeviceId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
