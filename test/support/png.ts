/**
 * Reads the pixels of a PNG screenshot (8-bit RGB or RGBA, not interlaced: what Chromium writes), per
 * the PNG specification (https://www.w3.org/TR/png-3/): IHDR, the zlib stream of the IDAT chunks, and
 * each scanline's filter (None, Sub, Up, Average, Paeth) undone.
 */
import { inflateSync } from 'node:zlib';

export interface Pixels {
  width: number;
  height: number;
  /** RGBA of the pixel at (x, y). */
  at(x: number, y: number): [number, number, number, number];
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function readPng(png: Buffer): Pixels {
  if (png.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG file');
  let offset = 8;
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (!header) throw new Error('PNG without IHDR');
  const [width, height] = [header.readUInt32BE(0), header.readUInt32BE(4)];
  const [depth, colorType, interlace] = [header[8], header[9], header[12]];
  if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0)
    throw new Error(`unsupported PNG: bit depth ${depth}, color type ${colorType}, interlace ${interlace}`);
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const value = raw[y * (stride + 1) + 1 + i] as number;
      const a = i >= bpp ? (out[y * stride + i - bpp] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + i] as number) : 0;
      const c = i >= bpp && y > 0 ? (out[(y - 1) * stride + i - bpp] as number) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter as number];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      out[y * stride + i] = (value + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    at: (x, y) => {
      const i = y * stride + x * bpp;
      return [
        out[i] as number,
        out[i + 1] as number,
        out[i + 2] as number,
        bpp === 4 ? (out[i + 3] as number) : 255,
      ];
    },
  };
}
