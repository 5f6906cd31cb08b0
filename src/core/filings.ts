import { z } from 'zod';
import { escapeHtml } from './text.ts';

/**
 * The registration numbers a site hosted in mainland China shows in its footer, as the operator was given them:
 * the ICP filing number (SITE_ICP, e.g. 冀ICP备2026000001号-1), the public-security filing number (SITE_PSB, e.g.
 * 冀公网安备13098202000001号) and, for a government website, its 政府网站标识码 (SITE_GOV_ID, 10 letters or digits).
 * Each is shown only when set; a value not shaped like one is refused, naming the setting, rather than published wrong.
 */
const filing = (setting: string, shape: RegExp, example: string) =>
  z.string().trim().regex(shape, `${setting} 的格式不对：应形如“${example}”（照备案或标识码通知上的写法，不加其他文字）`).optional();

export const siteFilingsSchema = z.object({
  icp: filing('SITE_ICP', /^\p{Script=Han}{1,2}ICP备\d{6,12}号(-\d{1,4})?$/u, '冀ICP备2026000001号-1'),
  psb: filing('SITE_PSB', /^\p{Script=Han}{1,2}公网安备\s?\d{10,16}号$/u, '冀公网安备13098202000001号'),
  govId: filing('SITE_GOV_ID', /^[0-9A-Za-z]{10}$/, '1309820001'),
});

export type SiteFilings = z.infer<typeof siteFilingsSchema>;

export class FilingsError extends Error {
  override name = 'FilingsError';
  constructor(message: string) {
    super(message);
    // The message names the setting to fix; a stack trace under it is only noise.
    this.stack = message;
  }
}

/** The filings from the environment; unset or empty settings are left out. Throws FilingsError naming each bad one. */
export function readFilings(env: NodeJS.ProcessEnv): SiteFilings {
  const given = (name: string) => env[name]?.trim() || undefined;
  const result = siteFilingsSchema.safeParse({ icp: given('SITE_ICP'), psb: given('SITE_PSB'), govId: given('SITE_GOV_ID') });
  if (result.success) return result.data;
  throw new FilingsError(`页脚备案信息有误，网站不会生成或启动：${result.error.issues.map((i) => i.message).join('；')}`);
}

/** Where the public checks each number (links only: nothing is loaded from these sites). */
const ICP_LOOKUP = 'https://beian.miit.gov.cn/';
const PSB_LOOKUP = 'https://beian.mps.gov.cn/#/query/webSearch?code=';

/** The footer line, or '' when none is set. */
export function filingsHtml(filings: SiteFilings): string {
  const parts: string[] = [];
  if (filings.icp) parts.push(`<a href="${ICP_LOOKUP}" rel="noreferrer">${escapeHtml(filings.icp)}</a>`);
  if (filings.psb) parts.push(`<a href="${PSB_LOOKUP}${filings.psb.replace(/\D/g, '')}" rel="noreferrer">${escapeHtml(filings.psb)}</a>`);
  if (filings.govId) parts.push(`政府网站标识码：${escapeHtml(filings.govId)}`);
  return parts.length ? `<p class="filings">${parts.join(' · ')}</p>` : '';
}
