/**
 * `multipart/form-data` (RFC 7578), parsed from a body already read within its cap — what the complaint island's
 * FormData and a plain form with `enctype="multipart/form-data"` send, parsed as the WHATWG multipart/form-data parser
 * (undici's `formData()`) does:
 * - the boundary comes from the Content-Type (1–70 characters of RFC 2046's set, quoted or not);
 * - the body is `--boundary CRLF` part … `CRLF --boundary--` (a preamble before the first delimiter and an epilogue
 *   after the last are ignored, as RFC 2046 and undici have it); anything else — a missing delimiter, headers without
 *   their blank line, a part without `Content-Disposition: form-data; name=…` — is refused;
 * - a part with a `filename` (or `filename*`) is a file, its content a view of the body (not a copy); any other
 *   part is text, decoded as UTF-8 (invalid bytes become U+FFFD, which the schema refuses);
 * - names and filenames are UTF-8 with browsers' `%22` `%0D` `%0A` escapes decoded; a
 *   `Content-Transfer-Encoding` other than 7bit, 8bit or binary is refused (browsers never send one).
 *
 * Why not `new Response(bytes).formData()`: it walks the body through web streams and copies it several times, and
 * its byte-by-byte header parser made the island's 2 KB post cost ~70 µs and one with a 200 KB photo ~0.7 ms of the
 * intake's CPU; here parts are found with Buffer.indexOf. test/complaints/multipart.test.ts checks both agree.
 */

export interface UploadedFile {
  /** As the browser named it (the intake stores its own name, never this). */
  filename: string;
  /** As the browser claimed it (the intake sniffs the bytes instead). */
  type: string;
  data: Uint8Array;
}

export type MultipartEntry = { name: string; value: string } | { name: string; file: UploadedFile };

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Not fatal, a BOM kept: as undici decodes text parts.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The boundary parameter of a multipart Content-Type, or undefined when there is no valid one. */
export function multipartBoundary(contentType: string): string | undefined {
  const params = parameters(contentType.slice(contentType.indexOf(';') + 1));
  const boundary = params?.get('boundary');
  return boundary !== undefined && BOUNDARY.test(boundary) ? boundary : undefined;
}

/** The entries in order, or undefined when the body is not well-formed multipart/form-data for `contentType`. */
export function parseMultipart(body: Uint8Array, contentType: string): MultipartEntry[] | undefined {
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) return undefined;
  const input = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const next = Buffer.from(`\r\n--${boundary}`, 'latin1');
  // The preamble before the first delimiter is ignored (RFC 2046; undici too).
  let at = input.indexOf(delimiter);
  if (at < 0) return undefined;
  const entries: MultipartEntry[] = [];
  for (;;) {
    at += delimiter.length;
    // The closing delimiter; the epilogue after it is ignored (RFC 2046; undici too).
    if (input[at] === 0x2d && input[at + 1] === 0x2d) return entries;
    if (!startsWith(input, CRLF, at)) return undefined;
    at += 2;
    // The part's header lines, up to the blank line.
    const headersEnd = input.indexOf(HEADERS_END, at);
    if (headersEnd < 0) return undefined;
    const head = partHeaders(input.toString('utf8', at, headersEnd));
    if (!head) return undefined;
    // Its content, up to the CR LF before the next delimiter (right after the blank line when empty).
    const start = headersEnd + 4;
    const stop = input.indexOf(next, start);
    if (stop < 0) return undefined;
    const content = input.subarray(start, stop);
    entries.push(
      head.filename === undefined
        ? { name: head.name, value: utf8.decode(content) }
        : { name: head.name, file: { filename: head.filename, type: head.type, data: content } },
    );
    at = stop + 2;
  }
}

function startsWith(input: Buffer, bytes: Buffer, at: number): boolean {
  return input.subarray(at, at + bytes.length).equals(bytes);
}

/** One part's headers: its name, filename (a file part) and claimed type; undefined when malformed. */
function partHeaders(text: string): { name: string; filename: string | undefined; type: string } | undefined {
  let name: string | undefined;
  let filename: string | undefined;
  // A file part without its own Content-Type is text/plain, as the WHATWG parser has it.
  let type = 'text/plain';
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const field = line.slice(0, colon);
    if (!TOKEN.test(field)) return undefined;
    const value = line.slice(colon + 1).trim();
    switch (field.toLowerCase()) {
      case 'content-disposition': {
        const semicolon = value.indexOf(';');
        if ((semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase() !== 'form-data') return undefined;
        const params = semicolon < 0 ? new Map<string, string>() : parameters(value.slice(semicolon + 1));
        if (!params?.has('name')) return undefined;
        name = unescapeBrowser(params.get('name')!);
        const extended = params.get('filename*');
        const star = extended === undefined ? undefined : /^utf-8''(.*)$/i.exec(extended);
        if (extended !== undefined && !star) return undefined;
        if (star) {
          try {
            filename = decodeURIComponent(star[1]!);
          } catch {
            return undefined;
          }
        } else if (params.has('filename')) filename = unescapeBrowser(params.get('filename')!);
        break;
      }
      case 'content-type':
        type = value;
        break;
      case 'content-transfer-encoding':
        if (!/^(?:7bit|8bit|binary)$/i.test(value)) return undefined;
        break;
    }
  }
  return name === undefined ? undefined : { name, filename, type };
}

/** Browsers escape `"`, CR and LF in names and filenames (WHATWG); nothing else is. */
function unescapeBrowser(value: string): string {
  return value.includes('%') ? value.replace(/%22/g, '"').replace(/%0D/g, '\r').replace(/%0A/g, '\n') : value;
}

/** `; key=value; key="quoted"` → keys lower-cased, first of each kept; undefined when malformed. */
function parameters(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
  };
  for (;;) {
    skipSpace();
    if (at >= text.length) return out;
    const eq = text.indexOf('=', at);
    if (eq < 0) return undefined;
    const key = text.slice(at, eq).trim().toLowerCase();
    if (!TOKEN.test(key)) return undefined;
    at = eq + 1;
    skipSpace();
    let value: string;
    if (text[at] === '"') {
      // Quoted: up to the next quote (browsers percent-escape quotes inside; no backslash escapes, as in undici).
      const close = text.indexOf('"', at + 1);
      if (close < 0) return undefined;
      value = text.slice(at + 1, close);
      at = close + 1;
    } else {
      const semicolon = text.indexOf(';', at);
      value = text.slice(at, semicolon < 0 ? text.length : semicolon).trim();
      if (!TOKEN.test(value)) return undefined;
      at = semicolon < 0 ? text.length : semicolon;
    }
    if (!out.has(key)) out.set(key, value);
    skipSpace();
    if (at >= text.length) return out;
    if (text[at] !== ';') return undefined;
    at++;
  }
}
