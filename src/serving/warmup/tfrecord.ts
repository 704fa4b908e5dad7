/**
 * TFRecord framing (tensorflow/core/lib/io/record_writer.cc): per record, the length as uint64
 * little-endian, the masked CRC32C of those 8 bytes, the data, the masked CRC32C of the data.
 * Pure: no I/O.
 */

const TABLE = (() => {
  // CRC32C (Castagnoli), reflected polynomial 0x82F63B78.
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's CRC mask: rotate right by 15 bits and add a constant (so CRCs of CRCs stay useful). */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskCrc(crc32c(out.subarray(0, 8))), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskCrc(crc32c(data)), true);
  return out;
}

export function writeTfRecords(records: Uint8Array[]): Uint8Array {
  const frames = records.map(frameRecord);
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Splits a TFRecord file back into records, checking both CRCs (for tests and for reading a file back). */
export function readTfRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < file.length) {
    if (at + 12 > file.length) throw new Error(`TFRecord: truncated header at byte ${at}`);
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskCrc(crc32c(file.subarray(at, at + 8)))) throw new Error(`TFRecord: bad length CRC at byte ${at}`);
    if (at + 12 + len + 4 > file.length) throw new Error(`TFRecord: truncated record at byte ${at}`);
    const data = file.subarray(at + 12, at + 12 + len);
    if (view.getUint32(at + 12 + len, true) !== maskCrc(crc32c(data))) throw new Error(`TFRecord: bad data CRC at byte ${at}`);
    out.push(data);
    at += 12 + len + 4;
  }
  return out;
}
