import { readCapped } from '../complaints/body.ts';

/** A no-JavaScript form post (application/x-www-form-urlencoded), read up to `maxBytes`, or the status and message. */
export async function readFormParams(request: Request, maxBytes: number): Promise<URLSearchParams | { status: number; error: string }> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return { status: 415, error: '只接受网页表单提交（application/x-www-form-urlencoded）。' };
  const buffer = await readCapped(request, maxBytes);
  if (!buffer) return { status: 413, error: '提交内容过长。' };
  try {
    return new URLSearchParams(new TextDecoder('utf-8', { fatal: true }).decode(buffer));
  } catch {
    return { status: 400, error: '提交内容不是有效的 UTF-8 文本。' };
  }
}

/** The same, one value per field (the last, as Object.fromEntries keeps). */
export async function readFormFields(request: Request, maxBytes: number): Promise<Record<string, string> | { status: number; error: string }> {
  const params = await readFormParams(request, maxBytes);
  if (!(params instanceof URLSearchParams)) return params;
  const fields: Record<string, string> = {};
  for (const [name, value] of params) fields[name] = value;
  return fields;
}
