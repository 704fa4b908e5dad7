// Writes media/icon.png (128x128, the Marketplace icon size) from the shapes of media/ml-serving.svg:
// white strokes on a blue rounded square, 4x4 supersampled. No image tools needed: node only.
// Usage: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const root = join(import.meta.dirname, '..');
// media/ml-serving.svg's 24x24 drawing, scaled into the square with a margin.
const SCALE = 4.3;
const OFFSET = (SIZE - 24 * SCALE) / 2;
const STROKE = 1.9 * SCALE; // a little heavier than the 1.5 of the view icon, to read at 32 px
const P = (x, y) => [OFFSET + x * SCALE, OFFSET + y * SCALE];
const circles = [[5, 6], [5, 18], [12, 12]].map(([x, y]) => ({ c: P(x, y), r: 2 * SCALE }));
const segments = [
  [[7, 6.8], [10.2, 10.8]], [[7, 17.2], [10.2, 13.2]], [[14, 12], [17, 12]],
  [[17, 8.5], [21, 8.5]], [[21, 8.5], [21, 15.5]], [[21, 15.5], [17, 15.5]], [[17, 15.5], [17, 8.5]],
].map(([a, b]) => [P(...a), P(...b)]);

function segDist(px, py, [[ax, ay], [bx, by]]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
function inStroke(x, y) {
  if (circles.some(({ c: [cx, cy], r }) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= STROKE / 2)) return true;
  return segments.some(s => segDist(x, y, s) <= STROKE / 2);
}
function inBackground(x, y) {
  const R = 26, m = 2; // rounded square with a 2 px transparent margin
  const cx = Math.min(Math.max(x, m + R), SIZE - m - R), cy = Math.min(Math.max(y, m + R), SIZE - m - R);
  return Math.hypot(x - cx, y - cy) <= R;
}

const BLUE = [26, 115, 232], WHITE = [255, 255, 255];
const N = 4;
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let bg = 0, fg = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      const sx = x + (i + 0.5) / N, sy = y + (j + 0.5) / N;
      if (!inBackground(sx, sy)) continue;
      if (inStroke(sx, sy)) fg++; else bg++;
    }
    const total = bg + fg, o = y * (SIZE * 4 + 1) + 1 + x * 4;
    if (!total) continue;
    for (let k = 0; k < 3; k++) raw[o + k] = Math.round((BLUE[k] * bg + WHITE[k] * fg) / total);
    raw[o + 3] = Math.round((255 * total) / (N * N));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = buf => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = join(root, 'media', 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
