// A minimal PNG encoder (8-bit greyscale), to hand the page real image files.
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** grey: Uint8Array(width * height), 0 black .. 255 white. */
export function encodeGreyPng(grey, width, height) {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;  // filter: none
    raw.set(grey.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;  // bit depth
  header[9] = 0;  // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An MNIST digit as a picture: dark ink on light paper (or chalk on a board), scaled, off-centre. */
export function mnistAsPicture(pixels784, { scale = 8, width = 320, height = 260, left = 40, top = 20, lightOnDark = false } = {}) {
  const grey = new Uint8Array(width * height).fill(235);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const ink = pixels784[Math.floor(y / scale) * 28 + Math.floor(x / scale)] / 255;
      const px = left + x, py = top + y;
      if (px < width && py < height) grey[py * width + px] = Math.round(235 - 215 * ink);
    }
  }
  if (lightOnDark) for (let i = 0; i < grey.length; i++) grey[i] = 255 - grey[i];
  return encodeGreyPng(grey, width, height);
}
