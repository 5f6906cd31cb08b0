/** Reading a request body within a byte cap, strictly by content type. */
export type ParsedBody =
  | { ok: true; format: 'json' | 'urlencoded' | 'multipart'; fields: Record<string, unknown>; files: File[] }
  /** `field`: the form field the message is about (the evidence file count); the request as a whole otherwise. */
  | { ok: false; status: number; message: string; field?: string };
import Busboy, { type BusboyFileStream, type BusboyInstance } from '@fastify/busboy';
import { withHint } from '../../src/core/error-data.ts';
import { complaintInputSchema, limits } from '../../src/core/complaint/schema.ts';
import { evidenceMessages } from '../../src/core/complaint/fields.ts';
import { intakeErrors } from './errors.ts';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const MULTIPART_TYPE = 'multipart/form-data';

export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body's bytes, reading no further than `cap`; undefined when it is longer. */
export async function readCapped(request: Request, cap: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > cap) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextDecoder('utf-8');

/**
 * What a multipart complaint may hold. Parts: every text field the form, its no-JS check page and the island post
 * (the schema's fields, the kept files' token, the 修改/提交 buttons), the evidence files, and a margin for API
 * clients. Files: the evidence limit, and up to EXTRA_FILES_COUNTED more counted without their bytes. A text
 * field: the description's 3,000 characters are at most 9,000 bytes of UTF-8 (past 3,000 the schema says so in its
 * own words); far more is refused before it is kept. Part headers: a few short lines (name, filename, type).
 */
const TEXT_FIELDS = [...Object.keys(complaintInputSchema.shape), 'evidenceDraft', 'edit', 'confirm'];
/**
 * Files chosen past the limit that are still counted rather than refused outright: the no-JS file input takes any
 * number, and a citizen who picked a few too many gets the form back with the answers kept.
 */
const EXTRA_FILES_COUNTED = 20;
export const multipartLimits = {
  parts: TEXT_FIELDS.length + limits.evidenceFiles + EXTRA_FILES_COUNTED + 8,
  files: limits.evidenceFiles,
  fieldBytes: 32 * 1024,
  nameBytes: 100,
  headerPairs: 8,
  headerBytes: 8 * 1024,
} as const;

/** Bytes handed to the parser at once: a body of many tiny parts is refused within one slice past the parts limit. */
const SLICE = 16 * 1024;

type Refusal = Extract<ParsedBody, { ok: false }>;
const refusal = (status: number, message: string, field?: string): Refusal => ({ ok: false, status, message, ...(field ? { field } : {}) });

/**
 * A multipart body read as a stream within `cap` (declared or counted, chunked bodies too) and the limits above:
 * past any of them it is refused at once and no more of it is read (the HTTP layer discards the rest and closes the
 * connection). Every part is read as bytes and decoded as UTF-8 here (RFC 7578), whatever type it claims; a part is a
 * file when its header has a filename (an empty one too: a browser's empty file input). Duplicate names: the first
 * wins. A file's bytes are kept once, as the chunks that arrived, and become one File.
 */
async function readMultipart(request: Request, cap: number, tooLarge: Refusal): Promise<ParsedBody> {
  const contentType = request.headers.get('content-type') ?? '';
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > cap) return tooLarge;
  const badForm = refusal(400, withHint(intakeErrors.BadFormData));
  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { 'content-type': contentType },
      // Every part comes as a stream of bytes: text fields are counted, cut short and decoded here, not by the parser.
      isPartAFile: () => true,
      limits: {
        parts: multipartLimits.parts,
        headerPairs: multipartLimits.headerPairs,
        headerSize: multipartLimits.headerBytes,
      },
    });
  } catch {
    return badForm; // no boundary
  }
  const fields: Record<string, unknown> = {};
  const files: File[] = [];
  let fileParts = 0;
  let outcome: ParsedBody | undefined;
  let settled!: (result: ParsedBody) => void;
  const done = new Promise<ParsedBody>((resolve) => (settled = resolve));
  const settle = (result: ParsedBody) => {
    if (outcome) return;
    outcome = result;
    settled(result);
  };

  parser.on('partsLimit', () => settle(refusal(413, withHint(intakeErrors.FormTooManyParts, multipartLimits.parts))));
  parser.on('error', () => settle(badForm));
  parser.on('finish', () => settle({ ok: true, format: 'multipart', fields, files }));
  parser.on('file', (name: string | undefined, stream: BusboyFileStream, filename: string | undefined, _encoding: string, type: string) => {
    stream.on('error', () => settle(badForm));
    if (outcome) return void stream.resume();
    if (!name || Buffer.byteLength(name) > multipartLimits.nameBytes) return settle(refusal(400, withHint(intakeErrors.FormPartUnnamed)));
    if (type.startsWith('multipart/')) return settle(refusal(400, withHint(intakeErrors.FormPartNested)));
    const isFile = filename !== undefined;
    if (isFile && name !== 'evidence') return settle(refusal(400, withHint(intakeErrors.FileInTextField, name.slice(0, 40))));
    // A file past the evidence limit is not kept, but counted (an empty stand-in): the text parts after it are still
    // read, so the form comes back with the answers and the message at its evidence field (readEvidence), as for 5.
    if (isFile && ++fileParts > multipartLimits.files) {
      if (fileParts > multipartLimits.files + EXTRA_FILES_COUNTED) return settle(refusal(400, evidenceMessages.tooMany, 'evidence'));
      const standIn = new File([], filename || `${fileParts}`);
      stream.on('end', () => outcome || files.push(standIn));
      stream.resume();
      return;
    }
    const chunks: Buffer<ArrayBuffer>[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (outcome) return;
      size += chunk.byteLength;
      if (!isFile && size > multipartLimits.fieldBytes) {
        settle(refusal(413, withHint(intakeErrors.FormFieldTooLarge, name.slice(0, 40), multipartLimits.fieldBytes / 1024)));
        return;
      }
      chunks.push(chunk as Buffer<ArrayBuffer>);
    });
    stream.on('end', () => {
      if (outcome) return;
      if (isFile) files.push(new File(chunks, filename, { type }));
      else fields[name] ??= utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
  });

  if (!request.body) parser.end();
  else {
    const reader = request.body.getReader();
    let size = 0;
    try {
      while (!outcome) {
        const next = await Promise.race([reader.read(), done.then(() => undefined)]);
        if (!next || next.done || outcome) break;
        const value = next.value;
        size += value.byteLength;
        if (size > cap) {
          settle(tooLarge);
          break;
        }
        // Sliced (a refusal is synchronous: nothing is parsed past the slice that passed a limit); waits while a file is paused.
        for (let at = 0; at < value.byteLength && !outcome; at += SLICE) {
          const slice = Buffer.from(value.buffer, value.byteOffset + at, Math.min(SLICE, value.byteLength - at));
          if (!parser.write(slice)) await Promise.race([new Promise((drained) => parser.once('drain', drained)), done]);
        }
      }
      if (!outcome) parser.end();
    } catch {
      // The stream failed (a client gone): nothing was kept.
      settle(badForm);
    }
    if (outcome) await reader.cancel().catch(() => undefined);
  }
  return done;
}

export async function parseBody(request: Request, caps: { body: number; multipart: number }): Promise<ParsedBody> {
  const type = mediaType(request);
  if (type !== JSON_TYPE && type !== FORM_TYPE && type !== MULTIPART_TYPE) {
    return { ok: false, status: 415, message: withHint(intakeErrors.UnsupportedMediaType) };
  }
  const cap = type === MULTIPART_TYPE ? caps.multipart : caps.body;
  const tooLarge = refusal(413, withHint(intakeErrors.BodyTooLarge, Math.round(cap / 1024)));
  if (type === MULTIPART_TYPE) return readMultipart(request, cap, tooLarge);
  const bytes = await readCapped(request, cap);
  if (!bytes) return tooLarge;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { ok: false, status: 400, message: withHint(intakeErrors.BodyNotUtf8) };
  }
  if (type === JSON_TYPE) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, status: 400, message: withHint(intakeErrors.BodyNotJson) };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, status: 400, message: withHint(intakeErrors.BodyNotObject) };
    }
    return { ok: true, format: 'json', fields: value as Record<string, unknown>, files: [] };
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(text)) fields[name] ??= value;
  return { ok: true, format: 'urlencoded', fields, files: [] };
}
