import sharp, { type Sharp } from 'sharp';
import { crc32 } from 'node:zlib';

/** What the security review put in a photo: the owner's name, the device and where it was taken. */
export const REVIEW_EXIF = {
  IFD0: { Artist: 'ZhangSan-Complainant', Make: 'Apple', Model: 'iPhone 15' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 45/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '116/1 30/1 10/1' },
};
export const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>XmpCreator-Complainant</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>';
/** Strings that must not survive (the GPS tags are found by their IFD pointer, see gpsIfd). */
export const MARKERS = ['ZhangSan-Complainant', 'Apple', 'iPhone 15', 'XmpCreator-Complainant', 'xmpmeta', 'CommentByCamera', 'PhotoshopIPTC', 'JfxxThumb'];

/** 64×48, so a rotation shows in the dimensions; a gradient, so the pixels are worth comparing. */
export function picture(): Sharp {
  const width = 64;
  const height = 48;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set([(i * 3) % 256, (i >> 4) % 256, 128], i * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/** A phone-like JPEG: EXIF (name, device, GPS; orientation 6 — sharp takes it from withMetadata only), XMP and a Display P3 ICC profile, as sharp writes them. */
export async function phoneJpeg(options: { progressive?: boolean } = {}): Promise<Buffer> {
  return picture()
    .jpeg({ quality: 90, progressive: options.progressive ?? false })
    .withExif(REVIEW_EXIF)
    .withMetadata({ orientation: 6 })
    .withIccProfile('p3')
    .withXmp(XMP)
    .toBuffer();
}

export async function phonePng(): Promise<Buffer> {
  return withPngChunks(await picture().png().withExif(REVIEW_EXIF).withMetadata({ orientation: 6 }).withXmp(XMP).toBuffer(), [
    ['tEXt', Buffer.from('Author\0ZhangSan-Complainant', 'latin1')],
    ['zTXt', Buffer.from('Comment\0\0x', 'latin1')],
    ['tIME', Buffer.from([0x07, 0xea, 11, 20, 9, 30, 0])],
    ['caBX', Buffer.from('PhotoshopIPTC', 'latin1')],
  ]);
}

export async function phoneWebp(): Promise<Buffer> {
  return picture().webp({ quality: 90 }).withExif(REVIEW_EXIF).withMetadata({ orientation: 6 }).withIccProfile('p3').withXmp(XMP).toBuffer();
}

/** PNG chunks with correct CRCs (zlib's), inserted right after IHDR. */
export function withPngChunks(png: Buffer, chunks: [string, Buffer][]): Buffer {
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  const made = chunks.map(([type, payload]) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(payload.length);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), payload])));
    return Buffer.concat([head, payload, crc]);
  });
  return Buffer.concat([png.subarray(0, ihdrEnd), ...made, png.subarray(ihdrEnd)]);
}

/** JPEG segments inserted right after SOI (and a leading APP0), e.g. a COM or an APP13 from an editor. */
export function withJpegSegments(jpeg: Buffer, segments: [number, Buffer][], trailer?: Buffer): Buffer {
  const at = jpeg[3] === 0xe0 ? 4 + jpeg.readUInt16BE(4) : 2;
  const made = segments.map(([marker, payload]) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  });
  return Buffer.concat([jpeg.subarray(0, at), ...made, jpeg.subarray(at), trailer ?? Buffer.alloc(0)]);
}

/** Whether an EXIF block (TIFF structure) points to a GPS IFD (tag 0x8825) from IFD0. */
export function gpsIfd(tiff: Buffer): boolean {
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  for (let i = 0; i < u16(ifd); i++) if (u16(ifd + 2 + 12 * i) === 0x8825) return true;
  return false;
}

/** Count of non-overlapping occurrences of `needle` in `hay`. */
export function occurrences(hay: Uint8Array, needle: string): number {
  const buffer = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength);
  let n = 0;
  for (let at = buffer.indexOf(needle, 0, 'latin1'); at >= 0; at = buffer.indexOf(needle, at + needle.length, 'latin1')) n++;
  return n;
}
