// Writes the app icons (PNG) into client/public/icons. Pure Node: no image libraries.
// Run: node client/scripts/make-icons.mjs — the output is committed, so builds do not depend on it.
import { deflateSync } from 'node:zlib'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const OUT = fileURLToPath(new URL('../public/icons/', import.meta.url))
const BRAND = [0x1d, 0x4e, 0x89] // theme colour #1d4e89
const WHITE = [0xff, 0xff, 0xff]
const SAMPLES = 4 // supersampling per axis, for smooth edges

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // colour type RGBA
  // Each scanline starts with filter byte 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** Inside a square of side 1 with rounded corners of radius r (unit coordinates). */
function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r)
  const cy = Math.min(Math.max(y, r), 1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

/** The "F" glyph as rectangles [x0, y0, x1, y1] in a unit box. */
const GLYPH = [
  [0.0, 0.0, 0.26, 1.0], // stem
  [0.0, 0.0, 1.0, 0.2], // top bar
  [0.0, 0.42, 0.8, 0.6], // middle bar
]

function inGlyph(x, y, box) {
  const [bx, by, bw, bh] = box
  const u = (x - bx) / bw
  const v = (y - by) / bh
  return GLYPH.some(([x0, y0, x1, y1]) => u >= x0 && u < x1 && v >= y0 && v < y1)
}

/**
 * @param size pixel size
 * @param radius corner radius (unit), 0 for a full-bleed square (maskable)
 * @param glyphBox [x, y, w, h] of the glyph in unit coordinates
 */
function drawIcon(size, radius, glyphBox) {
  const rgba = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0
      let fg = 0
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size
          const y = (py + (sy + 0.5) / SAMPLES) / size
          if (radius === 0 || inRoundedSquare(x, y, radius)) {
            bg++
            if (inGlyph(x, y, glyphBox)) fg++
          }
        }
      }
      const n = SAMPLES * SAMPLES
      const i = (py * size + px) * 4
      const t = bg === 0 ? 0 : fg / bg
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(BRAND[c] * (1 - t) + WHITE[c] * t)
      rgba[i + 3] = Math.round((bg / n) * 255)
    }
  }
  return encodePng(size, rgba)
}

// The glyph is 0.44 × 0.56 of the icon, centred optically; the maskable variant keeps it
// well inside the 80 % safe-zone circle and fills the whole square with the brand colour.
const regularBox = [0.3, 0.22, 0.42, 0.56]
const maskableBox = [0.31, 0.25, 0.4, 0.5]

mkdirSync(OUT, { recursive: true })
const files = {
  'icon-192.png': drawIcon(192, 0.18, regularBox),
  'icon-512.png': drawIcon(512, 0.18, regularBox),
  'icon-maskable-512.png': drawIcon(512, 0, maskableBox),
  'apple-touch-icon-180.png': drawIcon(180, 0, maskableBox),
  'favicon-32.png': drawIcon(32, 0.18, regularBox),
}
for (const [name, png] of Object.entries(files)) {
  writeFileSync(OUT + name, png)
  console.log(`${name}: ${png.length} bytes`)
}
