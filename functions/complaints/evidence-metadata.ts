import { Buffer } from 'node:buffer';
import type { EvidenceType } from '../../src/core/complaint/evidence-type.ts';

/**
 * Takes what a camera or phone writes about the photo out of an evidence image before it is stored, hashed or mailed
 * (data minimisation: the accused's agency gets the picture, not where it was taken, the device or the owner's name).
 * A walk over the file's segments or chunks: pixels are never decoded, so a 200 KB photo costs microseconds.
 * What stays is what a viewer needs to show the picture as taken: the image data, colour profiles (JPEG APP2 ICC,
 * APP14 Adobe for CMYK; PNG iCCP/sRGB/gAMA/cHRM; WebP ICCP) and the orientation, written back as a minimal EXIF block
 * holding only that tag (else phone photos show sideways). Everything else that can carry text is dropped:
 * - JPEG: APP1 (EXIF, XMP), APP3–APP13 (APP13: IPTC/Photoshop, APP11: C2PA), APP15, COM, an APP0 that is not JFIF
 *   (JFXX thumbnails), an APP2 that is not ICC (MPF: the offsets of images appended after the end), an APP14 that is
 *   not Adobe, and whatever follows EOI (appended images, Samsung trailers, motion-photo videos);
 * - PNG: every ancillary chunk not needed to render (tEXt, iTXt, zTXt, eXIf, tIME, C2PA caBX, private ones), and
 *   whatever follows IEND;
 * - WebP: every chunk but VP8X, VP8, VP8L, ALPH, ANIM, ANMF and ICCP (EXIF, XMP, unknown ones), with the VP8X flags
 *   and the RIFF size fixed, and whatever follows the RIFF.
 * A file with nothing to drop comes back as the same bytes. PDFs pass unchanged (docs/SECURITY.md, "Evidence metadata").
 *
 * Hostile files: every length is checked against the end; each step moves forward, so the walk ends. A file whose
 * structure breaks before any image data could be reached is `damaged` (the form says so at the field); one cut off
 * inside its image data (an interrupted upload) keeps what it has, as viewers show it.
 */
export type Stripped = { data: Uint8Array } | { damaged: true };

export function stripMetadata(type: EvidenceType, data: Uint8Array): Stripped {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(data);
    case 'image/png':
      return stripPng(data);
    case 'image/webp':
      return stripWebp(data);
    case 'application/pdf':
      return { data };
  }
}

const DAMAGED = { damaged: true } as const;

/** Pieces of the input kept in order (ranges, or new bytes), joined once; the input itself when nothing changed. */
class Output {
  private readonly parts: (Uint8Array | [number, number])[] = [];
  private changed = false;
  private readonly data: Uint8Array;
  constructor(data: Uint8Array) {
    this.data = data;
  }
  keep(start: number, end: number) {
    const last = this.parts.at(-1);
    if (Array.isArray(last) && last[1] === start) last[1] = end;
    else this.parts.push([start, end]);
  }
  insert(bytes: Uint8Array) {
    this.parts.push(bytes);
    this.changed = true;
  }
  drop() {
    this.changed = true;
  }
  result(): Uint8Array {
    const only = this.parts[0];
    if (!this.changed && this.parts.length === 1 && Array.isArray(only) && only[0] === 0 && only[1] === this.data.length) return this.data;
    return concat(...this.parts.map((p) => (Array.isArray(p) ? this.data.subarray(p[0], p[1]) : p)));
  }
}

const ascii = (data: Uint8Array, at: number, text: string) => {
  if (at + text.length > data.length) return false;
  for (let i = 0; i < text.length; i++) if (data[at + i] !== text.charCodeAt(i)) return false;
  return true;
};
const u16be = (d: Uint8Array, at: number) => (d[at]! << 8) | d[at + 1]!;
const u32be = (d: Uint8Array, at: number) => ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
const u32le = (d: Uint8Array, at: number) => ((d[at + 3]! << 24) | (d[at + 2]! << 16) | (d[at + 1]! << 8) | d[at]!) >>> 0;

// ── EXIF: the orientation read out, and the minimal block that holds only it ──

/** The Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block, when it is 2–8 (1 is the default). */
export function exifOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined;
  const little = ascii(tiff, 0, 'II');
  if (!little && !ascii(tiff, 0, 'MM')) return undefined;
  const u16 = (at: number) => (little ? tiff[at]! | (tiff[at + 1]! << 8) : u16be(tiff, at));
  const u32 = (at: number) => (little ? u32le(tiff, at) : u32be(tiff, at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) break;
    if (u16(entry) !== 0x0112) continue;
    if (u16(entry + 2) !== 3 || u32(entry + 4) < 1) return undefined;
    const value = u16(entry + 8);
    return value >= 2 && value <= 8 ? value : undefined;
  }
  return undefined;
}

/** A big-endian TIFF header with one IFD of one entry, Orientation (SHORT); no next IFD. 26 bytes. */
export function minimalExif(orientation: number): Uint8Array {
  // biome-ignore format: the block byte by byte
  return Uint8Array.of(
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // "MM", 42, IFD0 at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, orientation >> 8, orientation & 0xff, 0x00, 0x00, // Orientation, SHORT ×1
    0x00, 0x00, 0x00, 0x00, // no IFD1 (no thumbnail)
  );
}

const EXIF_HEADER = 'Exif\0\0';

// ── JPEG ──

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  out.set([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  out.set(payload, 4);
  return out;
}

/** Whether a segment with a length (APPn, COM) is kept; every other marker segment is needed to decode. */
function keepJpegSegment(data: Uint8Array, marker: number, payload: number): boolean {
  if (marker === 0xe0) return ascii(data, payload, 'JFIF\0');
  if (marker === 0xe2) return ascii(data, payload, 'ICC_PROFILE\0');
  if (marker === 0xee) return ascii(data, payload, 'Adobe');
  return !(marker >= 0xe0 && marker <= 0xef) && marker !== 0xfe;
}

/** The next 0xFF from `from` that starts a marker (not 0xFF00 stuffing, not a restart marker), or -1. */
function nextMarker(bytes: Buffer, from: number): number {
  for (let at = bytes.indexOf(0xff, from); at >= 0; at = bytes.indexOf(0xff, at + 2)) {
    const next = bytes[at + 1];
    if (next === undefined) return -1;
    if (next !== 0x00 && (next < 0xd0 || next > 0xd7)) return at;
  }
  return -1;
}

function stripJpeg(data: Uint8Array): Stripped {
  const out = new Output(data);
  out.keep(0, 2); // SOI
  let pos = 2;
  let orientation: number | undefined;
  /** Where the minimal EXIF block goes: right after SOI, or after a JFIF APP0 that comes first. */
  let exifAfter = 2;
  let scanned = false; // an SOS was reached: image data exists, so a cut from here on is a truncated image
  const marker = (at: number) => data[at + 1]!;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength); // its indexOf is memchr: ~2× a typed array's
  while (pos < data.length) {
    if (data[pos] !== 0xff) {
      // Entropy-coded data (after SOS) runs to the next marker: an 0xFF followed by neither a stuffed 0x00 nor a
      // restart marker. Before the first scan, stray bytes between segments (decoders skip them) are dropped.
      const next = scanned ? nextMarker(bytes, pos) : bytes.indexOf(0xff, pos);
      if (next < 0) {
        if (!scanned) return DAMAGED;
        out.keep(pos, data.length); // cut off inside the scan: keep what there is
        break;
      }
      if (scanned) out.keep(pos, next);
      else out.drop();
      pos = next;
      continue;
    }
    if (pos + 1 >= data.length) {
      out.keep(pos, data.length);
      break;
    }
    const m = marker(pos);
    if (m === 0xff) {
      // Fill byte before a marker.
      out.keep(pos, pos + 1);
      pos += 1;
      continue;
    }
    if (scanned && (m === 0x00 || (m >= 0xd0 && m <= 0xd7))) {
      out.keep(pos, pos + 2); // stuffed 0xFF or a restart marker, inside the scan
      pos += 2;
      continue;
    }
    if (m === 0xd9) {
      out.keep(pos, pos + 2); // EOI: whatever follows is not this picture
      if (pos + 2 < data.length) out.drop();
      break;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      if (!scanned) return DAMAGED; // no standalone marker belongs before the first scan
      out.keep(pos, pos + 2);
      pos += 2;
      continue;
    }
    if (pos + 4 > data.length) {
      if (!scanned) return DAMAGED;
      break; // a marker cut off after the image data: drop it
    }
    const length = u16be(data, pos + 2);
    const end = pos + 2 + length;
    if (length < 2 || end > data.length) {
      if (!scanned) return DAMAGED;
      out.drop(); // a segment cut off after the image data: drop it
      break;
    }
    if (m === 0xe1 && orientation === undefined && ascii(data, pos + 4, EXIF_HEADER)) {
      orientation = exifOrientation(data.subarray(pos + 4 + EXIF_HEADER.length, end));
    }
    if (keepJpegSegment(data, m, pos + 4)) {
      out.keep(pos, end);
      if (m === 0xe0 && pos === 2) exifAfter = end;
    } else out.drop();
    pos = end;
    if (m === 0xda) scanned = true;
  }
  if (!scanned) return DAMAGED; // no image data at all
  if (orientation === undefined) return { data: out.result() };
  // The orientation goes back in its own APP1, after SOI (and a leading JFIF APP0).
  const stripped = out.result();
  const app1 = jpegSegment(0xe1, concat(asciiBytes(EXIF_HEADER), minimalExif(orientation)));
  return { data: concat(stripped.subarray(0, exifAfter), app1, stripped.subarray(exifAfter)) };
}

// ── PNG ──

const PNG_KEPT_ANCILLARY = new Set([
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'iCCP',
  'sBIT',
  'bKGD',
  'pHYs',
  'hIST',
  'sPLT',
  'acTL',
  'fcTL',
  'fdAT',
  'cICP',
  'mDCV',
  'cLLI',
  'mDCv',
  'cLLi',
]);

function stripPng(data: Uint8Array): Stripped {
  const out = new Output(data);
  out.keep(0, 8);
  let pos = 8;
  let imageData = false;
  while (pos < data.length) {
    if (pos + 12 > data.length) {
      if (!imageData) return DAMAGED;
      out.drop(); // a few stray bytes after the image data
      break;
    }
    const length = u32be(data, pos);
    const type = String.fromCharCode(data[pos + 4]!, data[pos + 5]!, data[pos + 6]!, data[pos + 7]!);
    const end = pos + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type)) {
      if (!imageData) return DAMAGED;
      out.drop(); // not a chunk: stray bytes after the image data
      break;
    }
    if (end > data.length) {
      if (type === 'IDAT')
        out.keep(pos, data.length); // cut off inside the image data: keep what there is
      else if (!imageData) return DAMAGED;
      else out.drop();
      imageData = imageData || type === 'IDAT';
      break;
    }
    if (type === 'IDAT') imageData = true;
    const critical = (data[pos + 4]! & 0x20) === 0;
    if (type === 'eXIf') {
      const orientation = exifOrientation(data.subarray(pos + 8, end - 4));
      out.drop();
      if (orientation !== undefined) out.insert(pngChunk('eXIf', minimalExif(orientation)));
    } else if (critical || PNG_KEPT_ANCILLARY.has(type)) out.keep(pos, end);
    else out.drop();
    pos = end;
    if (type === 'IEND') {
      if (pos < data.length) out.drop();
      break;
    }
  }
  if (!imageData) return DAMAGED;
  return { data: out.result() };
}

function pngChunk(type: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  out.set(asciiBytes(type), 4);
  out.set(payload, 8);
  view.setUint32(8 + payload.length, crc32(out.subarray(4, 8 + payload.length)));
  return out;
}

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ── WebP ──

const WEBP_KEPT = new Set(['VP8X', 'VP8 ', 'VP8L', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
const WEBP_IMAGE = new Set(['VP8 ', 'VP8L', 'ANMF', 'ALPH']);
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(data: Uint8Array): Stripped {
  if (data.length < 12) return DAMAGED;
  const out = new Output(data);
  out.keep(0, 12); // RIFF, size (fixed below when anything changed), WEBP
  const riffEnd = Math.min(data.length, 8 + u32le(data, 4));
  if (riffEnd < data.length) out.drop(); // bytes after the RIFF
  let pos = 12;
  let imageData = false;
  let vp8x = -1; // where the VP8X chunk is in the output, to fix its flags
  let outputAt = 12;
  let orientation: number | undefined;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) {
      if (!imageData) return DAMAGED;
      out.drop();
      break;
    }
    const type = String.fromCharCode(data[pos]!, data[pos + 1]!, data[pos + 2]!, data[pos + 3]!);
    const size = u32le(data, pos + 4);
    const end = pos + 8 + size + (size & 1);
    if (end > riffEnd) {
      if (WEBP_IMAGE.has(type)) {
        out.keep(pos, riffEnd); // cut off inside the image data: keep what there is
        imageData = true;
      } else if (!imageData) return DAMAGED;
      else out.drop();
      break;
    }
    if (WEBP_IMAGE.has(type)) imageData = true;
    if (type === 'EXIF') {
      const payload = data.subarray(pos + 8, pos + 8 + size);
      orientation ??= exifOrientation(ascii(payload, 0, EXIF_HEADER) ? payload.subarray(EXIF_HEADER.length) : payload);
      out.drop();
    } else if (WEBP_KEPT.has(type)) {
      if (type === 'VP8X' && vp8x < 0 && size >= 10) vp8x = outputAt;
      out.keep(pos, end);
      outputAt += end - pos;
    } else out.drop();
    pos = end;
  }
  if (!imageData) return DAMAGED;
  const kept = out.result();
  if (kept === data) return { data };
  const exif = orientation !== undefined && vp8x >= 0 ? webpChunk('EXIF', minimalExif(orientation)) : new Uint8Array(0);
  const result = concat(kept, exif);
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  view.setUint32(4, result.length - 8, true);
  if (vp8x >= 0) result[vp8x + 8] = (result[vp8x + 8]! & ~(VP8X_EXIF | VP8X_XMP)) | (exif.length ? VP8X_EXIF : 0);
  return { data: result };
}

function webpChunk(type: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length + (payload.length & 1));
  out.set(asciiBytes(type));
  new DataView(out.buffer).setUint32(4, payload.length, true);
  out.set(payload, 8);
  return out;
}

// ── bytes ──

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
