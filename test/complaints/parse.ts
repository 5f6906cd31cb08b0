/**
 * A small reader for the MIME messages nodemailer writes (tests only): finds the text/plain and text/html
 * parts and the attachments, and undoes base64 / quoted-printable.
 */
interface Part {
  headers: Map<string, string>;
  body: string;
}

function split(raw: string): Part {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = new Map<string, string>();
  for (const line of head!.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body: rest.join('\n\n') };
}

function decode(part: Part): Buffer {
  const enc = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  if (enc === 'quoted-printable') {
    const bytes = part.body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1');
  }
  return Buffer.from(part.body, 'utf8');
}

function leaves(part: Part): Part[] {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith('multipart/') || !boundary) return [part];
  return part.body
    .split(`--${boundary}`)
    .slice(1)
    .filter((chunk) => !chunk.startsWith('--'))
    .flatMap((chunk) => leaves(split(chunk.replace(/^\r?\n/, ''))));
}

export async function simpleParser(raw: string): Promise<{
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; size: number }[];
}> {
  const parts = leaves(split(raw));
  const isAttachment = (p: Part) => /attachment/i.test(p.headers.get('content-disposition') ?? '');
  const typeOf = (p: Part) => (p.headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
  const text = parts.find((p) => !isAttachment(p) && typeOf(p) === 'text/plain');
  const html = parts.find((p) => !isAttachment(p) && typeOf(p) === 'text/html');
  return {
    text: text ? decode(text).toString('utf8') : '',
    html: html ? decode(html).toString('utf8') : '',
    attachments: parts.filter(isAttachment).map((p) => {
      const disposition = p.headers.get('content-disposition')!;
      // RFC 2231: filename*=utf-8''… or continued as filename*0*=utf-8''…; filename*1*=…
      const pieces = [...disposition.matchAll(/filename\*(?:\d+\*?)?=(?:utf-8'')?([^;]+)/gi)].map((m) => m[1]!.trim());
      const star = pieces.length ? pieces.join('') : undefined;
      const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
      return { filename: star ? decodeURIComponent(star) : (plain ?? ''), contentType: typeOf(p), size: decode(p).byteLength };
    }),
  };
}

/** The attachments' bytes as sent, in order. */
export function attachmentData(raw: string): Buffer[] {
  return leaves(split(raw))
    .filter((p) => /attachment/i.test(p.headers.get('content-disposition') ?? ''))
    .map(decode);
}
