import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { exifOrientation, minimalExif, stripMetadata, type Stripped } from '../../functions/complaints/evidence-metadata.ts';
import { readEvidence } from '../../functions/complaints/evidence.ts';
import type { EvidenceType } from '../../src/core/complaint/evidence-type.ts';
import { gpsIfd, MARKERS, occurrences, phoneJpeg, phonePng, phoneWebp, picture, withJpegSegments, withPngChunks } from './evidence-metadata-fixtures.ts';

const BENCH_PHOTO = readFileSync(new URL('../../scripts/bench/fixtures/evidence.jpg', import.meta.url));

function clean(type: EvidenceType, data: Uint8Array): Buffer {
  const out = stripMetadata(type, data);
  if ('damaged' in out) throw new Error(`${type} refused as damaged`);
  return Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength);
}
const pixels = (data: Uint8Array) => sharp(data).raw().toBuffer();
const noMarkers = (data: Uint8Array) => MARKERS.filter((m) => occurrences(data, m) > 0);
const EXIF_BLOCK = (orientation: number) => Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), minimalExif(orientation)]);

describe('evidence photos lose their metadata, keep their picture', () => {
  it('JPEG (sharp, as the review made it): name, device, GPS and XMP gone; ICC profile, orientation, size and pixels kept', async () => {
    const photo = await phoneJpeg();
    const before = await sharp(photo).metadata();
    expect(before.exif && gpsIfd(before.exif.subarray(6)), 'the fixture has a GPS position').toBe(true);
    expect(noMarkers(photo)).toEqual(expect.arrayContaining(['ZhangSan-Complainant', 'iPhone 15', 'XmpCreator-Complainant']));
    const out = clean('image/jpeg', photo);
    expect(noMarkers(out)).toEqual([]);
    expect(occurrences(out, 'Exif'), 'only the minimal orientation block').toBe(1);
    const after = await sharp(out).metadata();
    expect(after.exif?.equals(EXIF_BLOCK(6))).toBe(true);
    expect(gpsIfd(after.exif!.subarray(6))).toBe(false);
    expect([after.width, after.height, after.orientation, after.autoOrient]).toEqual([64, 48, 6, { width: 48, height: 64 }]);
    expect(after.xmp).toBeUndefined();
    expect(after.icc?.equals(before.icc!), 'the colour profile stays').toBe(true);
    expect((await pixels(out)).equals(await pixels(photo))).toBe(true);
    expect(out.length).toBeLessThan(photo.length);
  });

  it('JPEG: progressive scans, COM, APP13, a JFXX thumbnail, an MPF image and a trailer after EOI all go; CMYK keeps its Adobe marker', async () => {
    const photo = withJpegSegments(
      await phoneJpeg({ progressive: true }),
      [
        [0xfe, Buffer.from('CommentByCamera')],
        [0xed, Buffer.from('Photoshop 3.0\0PhotoshopIPTC')],
        [0xe0, Buffer.from('JFXX\0\x10JfxxThumb')],
        [0xe2, Buffer.from('MPF\0ZhangSan-Complainant')],
        [0xef, Buffer.from('ZhangSan-Complainant')],
      ],
      // What phones append after the picture: a second JPEG with its own EXIF (MPF), a vendor trailer.
      Buffer.concat([await sharp(await phoneJpeg()).toBuffer(), Buffer.from('SEFT ZhangSan-Complainant')]),
    );
    const out = clean('image/jpeg', photo);
    expect(noMarkers(out)).toEqual([]);
    expect(occurrences(out, 'Exif')).toBe(1);
    expect(out.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).toBe(true);
    expect((await pixels(out)).equals(await pixels(photo))).toBe(true);
    expect((await sharp(out).metadata()).orientation).toBe(6);

    const cmyk = await picture().toColourspace('cmyk').jpeg().withExif(REVIEW_EXIF_WITHOUT_ORIENTATION).toBuffer();
    const cmykOut = clean('image/jpeg', cmyk);
    expect(occurrences(cmyk, 'Adobe')).toBeGreaterThan(0);
    expect(occurrences(cmykOut, 'Adobe'), 'APP14 Adobe says how to read CMYK').toBe(occurrences(cmyk, 'Adobe'));
    expect(occurrences(cmykOut, 'Exif'), 'no orientation: no EXIF at all').toBe(0);
    expect(noMarkers(cmykOut)).toEqual([]);
    expect((await pixels(cmykOut)).equals(await pixels(cmyk))).toBe(true);
  });

  it('a photo with nothing to take out is stored as it came, byte for byte (the bench photo, a plain sharp JPEG/PNG/WebP)', async () => {
    expect(stripMetadata('image/jpeg', BENCH_PHOTO)).toEqual({ data: BENCH_PHOTO });
    for (const [type, data] of [
      ['image/jpeg', await picture().jpeg().toBuffer()],
      ['image/png', await picture().png().toBuffer()],
      ['image/webp', await picture().webp().toBuffer()],
    ] as const) {
      const out = stripMetadata(type, data) as { data: Uint8Array };
      expect(out.data, type).toBe(data);
    }
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Author (ZhangSan-Complainant) >> endobj\n%%EOF');
    expect((stripMetadata('application/pdf', pdf) as { data: Uint8Array }).data, 'PDFs pass unchanged (docs/SECURITY.md)').toBe(pdf);
  });

  it('PNG: tEXt, zTXt, iTXt (XMP), tIME and unknown ancillary chunks go; eXIf keeps only the orientation', async () => {
    const photo = await phonePng();
    expect(occurrences(photo, 'tEXt') + occurrences(photo, 'zTXt')).toBeGreaterThan(2); // sharp writes XMP as zTXt
    expect((await sharp(photo).metadata()).orientation).toBe(6);
    const out = clean('image/png', photo);
    expect(noMarkers(out)).toEqual([]);
    for (const chunk of ['tEXt', 'zTXt', 'iTXt', 'tIME', 'caBX']) expect(occurrences(out, chunk), chunk).toBe(0);
    expect(occurrences(out, 'eXIf')).toBe(1);
    const after = await sharp(out).metadata();
    expect([after.width, after.height, after.orientation]).toEqual([64, 48, 6]);
    expect(after.xmp).toBeUndefined();
    expect((await pixels(out)).equals(await pixels(photo))).toBe(true);
  });

  it('WebP: EXIF and XMP chunks go, ICC stays, the VP8X flags and the RIFF size are made right', async () => {
    const photo = await phoneWebp();
    const flags = (b: Buffer) => b[20]!;
    expect(flags(photo) & 0x2c).toBe(0x2c); // ICC, EXIF, XMP
    const out = clean('image/webp', photo);
    expect(noMarkers(out)).toEqual([]);
    expect(occurrences(out, 'XMP ')).toBe(0);
    expect(flags(out) & 0x2c, 'ICC and the minimal EXIF, no XMP').toBe(0x28);
    expect(out.readUInt32LE(4)).toBe(out.length - 8);
    const after = await sharp(out).metadata();
    expect([after.width, after.height, after.orientation, after.xmp]).toEqual([64, 48, 6, undefined]);
    expect(after.exif?.subarray(-26).equals(Buffer.from(minimalExif(6)))).toBe(true);
    expect((await pixels(out)).equals(await pixels(photo))).toBe(true);
  });

  it('reads the orientation from either byte order and ignores nonsense', () => {
    const le = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0, 0, 0, 0x08, 0x00, 0, 0, 0, 0, 0, 0]);
    expect(exifOrientation(le)).toBe(8);
    expect(exifOrientation(minimalExif(3))).toBe(3);
    expect(exifOrientation(minimalExif(1))).toBeUndefined();
    expect(exifOrientation(minimalExif(9))).toBeUndefined();
    const huge = Buffer.from(minimalExif(6));
    huge.writeUInt16BE(0xffff, 8); // 65,535 entries claimed in 26 bytes
    expect(exifOrientation(huge)).toBe(6);
    huge.writeUInt32BE(0xfffffff0, 4); // IFD0 past the end
    expect(exifOrientation(huge)).toBeUndefined();
  });
});

const REVIEW_EXIF_WITHOUT_ORIENTATION = { IFD0: { Artist: 'ZhangSan-Complainant', Make: 'Apple', Model: 'iPhone 15' } };

describe('hostile and broken evidence files', () => {
  const damaged: Stripped = { damaged: true };
  const jpeg = (...bytes: number[]) => Uint8Array.from([0xff, 0xd8, ...bytes]);

  it('refuses a JPEG whose structure breaks before any image data: truncated, lengths past the end or below 2, no SOS', () => {
    expect(stripMetadata('image/jpeg', jpeg())).toEqual(damaged);
    expect(stripMetadata('image/jpeg', jpeg(0xff))).toEqual(damaged);
    expect(stripMetadata('image/jpeg', jpeg(0xff, 0xe1, 0x00))).toEqual(damaged);
    expect(stripMetadata('image/jpeg', jpeg(0xff, 0xe1, 0xff, 0xff, 0x45, 0x78))).toEqual(damaged);
    expect(stripMetadata('image/jpeg', jpeg(0xff, 0xe1, 0x00, 0x01, 0xff, 0xda))).toEqual(damaged);
    expect(stripMetadata('image/jpeg', jpeg(0xff, 0xdb, 0x00, 0x04, 0, 0, 0xff, 0xd9))).toEqual(damaged);
    expect(stripMetadata('image/jpeg', jpeg(0xff, 0xd8, 0xff, 0xda, 0x00, 0x02))).toEqual(damaged);
    expect(stripMetadata('image/jpeg', jpeg(...'#!/bin/sh rm -rf /'.split('').map((c) => c.charCodeAt(0))))).toEqual(damaged);
  });

  it('every cut of a phone photo is either refused or stored without its metadata, never an exception', async () => {
    for (const [type, photo] of [
      ['image/jpeg', await phoneJpeg({ progressive: true })],
      ['image/png', await phonePng()],
      ['image/webp', await phoneWebp()],
    ] as const) {
      let kept = 0;
      for (let n = 0; n <= photo.length; n++) {
        const out = stripMetadata(type, photo.subarray(0, n));
        if ('damaged' in out) continue;
        kept++;
        expect(noMarkers(out.data), `${type} cut at ${n}`).toEqual([]);
      }
      // Cut inside the image data, what there is is kept (a viewer shows the top of the picture).
      expect(kept, type).toBeGreaterThan(photo.length / 4);
    }
  });

  it('PNG and WebP: chunk lengths past the end, a bogus RIFF size, no image data', async () => {
    const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    expect(stripMetadata('image/png', Uint8Array.from(sig))).toEqual(damaged);
    expect(stripMetadata('image/png', Uint8Array.from([...sig, 0xff, 0xff, 0xff, 0xff, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 0]))).toEqual(damaged);
    expect(stripMetadata('image/png', Uint8Array.from([...sig, 0, 0, 0, 0, 0x00, 0x01, 0x02, 0x03, 0, 0, 0, 0]))).toEqual(damaged);
    const plain = await picture().png().toBuffer();
    expect(stripMetadata('image/png', withPngChunks(plain, [['tEXt', Buffer.from('a\0b')]]).subarray(0, 40))).toEqual(damaged);
    const webp = await phoneWebp();
    const riff = Buffer.from(webp);
    riff.writeUInt32LE(0xfffffff0, 4);
    expect(noMarkers((stripMetadata('image/webp', riff) as { data: Uint8Array }).data)).toEqual([]);
    const noImage = Buffer.concat([Buffer.from('RIFF\x16\0\0\0WEBPEXIF\x0a\0\0\0', 'latin1'), Buffer.alloc(10)]);
    expect(stripMetadata('image/webp', noImage)).toEqual(damaged);
    const chunkPastEnd = Buffer.from(webp.subarray(0, 30));
    chunkPastEnd.writeUInt32LE(22, 4);
    chunkPastEnd.writeUInt32LE(0x7ffffff0, 16);
    expect(stripMetadata('image/webp', chunkPastEnd)).toEqual(damaged);
  });

  it('pathological 5 MB files end quickly: fill bytes, all-0xFF scan data, hundreds of thousands of tiny chunks', async () => {
    const MB5 = 5 * 1024 * 1024;
    const fill = new Uint8Array(MB5).fill(0xff);
    fill.set([0xff, 0xd8]);
    const stuffed = new Uint8Array(MB5);
    stuffed.set([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
    for (let i = 12; i < MB5 - 1; i += 2) stuffed.set([0xff, 0x00], i);
    const tiny = Buffer.from([0, 0, 0, 0, 0x74, 0x45, 0x58, 0x74, 0, 0, 0, 0]); // empty tEXt
    const plain = await picture().png().toBuffer();
    const manyChunks = Buffer.concat([plain.subarray(0, 33), Buffer.concat(Array.from({ length: MB5 / 12 }, () => tiny)), plain.subarray(33)]);
    const webpMany = Buffer.concat([
      Buffer.from('RIFF\0\0\0\0WEBP', 'latin1'),
      ...Array.from({ length: MB5 / 8 }, () => Buffer.from('JUNK\0\0\0\0', 'latin1')),
    ]);
    webpMany.writeUInt32LE(webpMany.length - 8, 4);
    for (const [type, data, expected] of [
      ['image/jpeg', fill, 'damaged'],
      ['image/jpeg', stuffed, 'data'],
      ['image/png', manyChunks, 'data'],
      ['image/webp', webpMany, 'damaged'],
    ] as const) {
      const started = performance.now();
      const out = stripMetadata(type, data);
      const ms = performance.now() - started;
      expect('damaged' in out ? 'damaged' : 'data', type).toBe(expected);
      expect(ms, `${type}: ${ms.toFixed(0)} ms`).toBeLessThan(2000);
    }
    const out = stripMetadata('image/png', manyChunks) as { data: Uint8Array };
    expect(Buffer.from(out.data).equals(plain)).toBe(true);
  });

  it('the intake names a damaged file at the field, as it does a file of the wrong type', async () => {
    const files = [new File([BENCH_PHOTO], 'a.jpg'), new File([jpeg(0xff, 0xe1, 0xff, 0xff)], 'b.jpg')];
    expect(await readEvidence(files)).toEqual({ error: '第 2 个证据文件已损坏或不完整，无法作为图片读取，请换一个文件（没有证据也可以不选）' });
  });

  it('costs microseconds for the bench photo and a phone photo (no pixel is decoded)', async () => {
    const photo = await phoneJpeg();
    for (const [what, data] of [
      ['bench photo (200 KB, nothing to take out)', BENCH_PHOTO],
      ['phone photo with EXIF, XMP, ICC', photo],
    ] as const) {
      const rounds = 500;
      stripMetadata('image/jpeg', data);
      const started = performance.now();
      for (let i = 0; i < rounds; i++) stripMetadata('image/jpeg', data);
      const us = ((performance.now() - started) / rounds) * 1000;
      console.log(`[evidence-metadata] ${what}: ${us.toFixed(1)} µs per file`);
      expect(us).toBeLessThan(2000);
    }
  });
});
