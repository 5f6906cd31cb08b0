import { certificateLookupKey, normalizeCertificateNo } from '../../core/text.ts';
import { shardUrl, type NumberEntry } from '../../core/shard.ts';

export interface FoundAuxiliary {
  certificateNo: string;
  name: string;
  agencyId: string;
  agencyName: string;
  status: string;
}

/**
 * Looks a number up on its static verification page (`/verify/<number>/`) and reads the data attributes the
 * page carries on `#auxiliary`. A number typed without its dashes is first found in the static number index
 * (`/lookup/k/<shard>.json`, built by the portal). undefined when the number is not on the roster.
 */
export async function lookupAuxiliary(typed: string, shardCount: number, signal?: AbortSignal): Promise<FoundAuxiliary | undefined> {
  const direct = await fromVerifyPage(normalizeCertificateNo(typed), signal);
  if (direct || !shardCount) return direct;
  const key = certificateLookupKey(typed);
  if (!key) return undefined;
  const response = await fetch(shardUrl(key, shardCount), { signal });
  if (!response.ok) return undefined;
  const entry = ((await response.json()) as NumberEntry[]).find((e) => e[0] === key);
  return entry ? fromVerifyPage(entry[1], signal) : undefined;
}

async function fromVerifyPage(no: string, signal?: AbortSignal): Promise<FoundAuxiliary | undefined> {
  if (!no || /[/?#\\]|\.\./.test(no)) return undefined;
  const response = await fetch(`/verify/${encodeURIComponent(no)}/`, { signal, headers: { accept: 'text/html' } });
  if (!response.ok) return undefined;
  const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
  const el = doc.getElementById('auxiliary');
  if (!el?.dataset.certificateNo || !el.dataset.agencyId) return undefined;
  return {
    certificateNo: el.dataset.certificateNo,
    name: el.dataset.name ?? '',
    agencyId: el.dataset.agencyId,
    agencyName: el.dataset.agencyName ?? '',
    status: el.dataset.status ?? '',
  };
}

export const statusWords: Record<string, string> = { active: '在岗', suspended: '暂停', revoked: '已收回', cancelled: '已注销', left: '已离职' };
