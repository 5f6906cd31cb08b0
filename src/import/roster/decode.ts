/** The encodings a clerk's CSV export arrives in, as reported to them. */
export type TextEncodingName = 'UTF-8' | 'UTF-8 (BOM)' | 'GB18030' | 'UTF-16LE (BOM)' | 'UTF-16BE (BOM)';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

export type DecodeResult = { ok: true; text: string; encoding: TextEncodingName } | { ok: false; reason: string };

/**
 * Detects and decodes a text export. A BOM decides; otherwise strict UTF-8 is tried first (Chinese text in
 * GB18030 is practically never valid UTF-8), then strict GB18030 (a superset of GBK and GB2312).
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return strict('utf-8', bytes.subarray(3), 'UTF-8 (BOM)');
  }
  // Excel's "Unicode text" export is UTF-16 with a BOM.
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return strict('utf-16le', bytes.subarray(2), 'UTF-16LE (BOM)');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return strict('utf-16be', bytes.subarray(2), 'UTF-16BE (BOM)');
  const utf8 = strict('utf-8', bytes, 'UTF-8');
  if (utf8.ok) return utf8;
  const mixed = mostlyUtf8(bytes);
  if (mixed) return { ok: false, reason: mixed };
  const gb = strict('gb18030', bytes, 'GB18030');
  if (gb.ok) return gb;
  return { ok: false, reason: withHint(rosterErrors.UnknownEncoding) };
}

function strict(label: string, bytes: Uint8Array, encoding: TextEncodingName): DecodeResult {
  try {
    return { ok: true, text: new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes), encoding };
  } catch {
    return { ok: false, reason: withHint(rosterErrors.InvalidEncoding, encoding) };
  }
}

/**
 * A UTF-8 file with a few foreign bytes (a name pasted from a GBK file) would often still "decode" as GB18030 —
 * into mojibake that would be published. When nearly all non-ASCII text is valid UTF-8, say so instead.
 */
function mostlyUtf8(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder('utf-8').decode(bytes);
  let bad = 0;
  let wide = 0;
  let firstBad = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd) {
      bad++;
      if (firstBad < 0) firstBad = i;
    } else if (code > 0x7f) wide++;
  }
  if (bad === 0 || bad * 20 > wide) return undefined;
  const line = text.slice(0, firstBad).split('\n').length;
  return withHint(rosterErrors.MixedEncoding, bad, line);
}
