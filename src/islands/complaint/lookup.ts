import { normalizeCertificateNo } from '../../lib/text.ts';

export interface FoundAuxiliary {
  certificateNo: string;
  name: string;
  agencyId: string;
  agencyName: string;
  status: string;
}

/**
 * Looks a number up on its static verification page (`/verify/<number>/`) and reads the data attributes the
 * page carries on `#auxiliary`. undefined when there is no such page (the number is not on the roster).
 */
export async function lookupAuxiliary(typed: string, signal?: AbortSignal): Promise<FoundAuxiliary | undefined> {
  const no = normalizeCertificateNo(typed);
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

export const statusWords: Record<string, string> = { active: '在岗', suspended: '暂停', revoked: '已收回/注销', left: '已离职' };
