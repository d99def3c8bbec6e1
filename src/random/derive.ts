/**
 * Seed derivation (controls.md §1.3): never `seed + N`, never host-derived.
 *
 *   derive(seed, componentId, p, ...labels) = SHA-256( "dsp-seed-v1" 0x00 u64be(seed)
 *       u32be(len) utf8(componentId)  u32be(p)  { u32be(len) utf8(label) }* )
 */
import { hash } from 'node:crypto';

const PREFIX = Buffer.from('dsp-seed-v1\u0000', 'utf8');
export const MAX_SEED = (1n << 64n) - 1n;

export function derive(seed: bigint, componentId: string, partition: number, ...labels: string[]): Buffer {
  if (seed < 0n || seed > MAX_SEED) throw new RangeError(`seed ${seed} outside 0…2^64−1`);
  // One buffer and a one-shot hash: this runs once per journal entry (document ids).
  let size = PREFIX.length + 8 + 4 + Buffer.byteLength(componentId, 'utf8') + 4;
  for (const label of labels) size += 4 + Buffer.byteLength(label, 'utf8');
  const buf = Buffer.allocUnsafe(size);
  let pos = PREFIX.copy(buf, 0);
  pos = buf.writeBigUInt64BE(seed, pos);
  const idLen = buf.write(componentId, pos + 4, 'utf8');
  buf.writeUInt32BE(idLen, pos);
  pos += 4 + idLen;
  pos = buf.writeUInt32BE(partition >>> 0, pos);
  for (const label of labels) {
    const n = buf.write(label, pos + 4, 'utf8');
    buf.writeUInt32BE(n, pos);
    pos += 4 + n;
  }
  return hash('sha256', buf, 'buffer') as unknown as Buffer;
}

/**
 * UUID-valued ids (domain.md D5): bytes 0–15 of `derive(seed, component, p, naturalKey)`
 * with RFC 9562 version-8 and variant bits set.
 */
export function deriveUuid(seed: bigint, componentId: string, partition: number, naturalKey: string): string {
  return uuidV8FromBytes(derive(seed, componentId, partition, naturalKey));
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidV8FromBytes(bytes: Uint8Array): string {
  const b = bytes;
  const b6 = (b[6] & 0x0f) | 0x80;
  const b8 = (b[8] & 0x3f) | 0x80;
  return (
    HEX[b[0]] + HEX[b[1]] + HEX[b[2]] + HEX[b[3]] + '-' +
    HEX[b[4]] + HEX[b[5]] + '-' + HEX[b6] + HEX[b[7]] + '-' + HEX[b8] + HEX[b[9]] + '-' +
    HEX[b[10]] + HEX[b[11]] + HEX[b[12]] + HEX[b[13]] + HEX[b[14]] + HEX[b[15]]
  );
}
