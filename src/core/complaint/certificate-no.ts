import { foreignLinkHost, lookupCandidates, MAX_PASTED_LENGTH, numberFromPastedText } from '../lookup-input.ts';

/**
 * The complaint form's number field read as the lookup box reads it (src/core/lookup-input.ts): a badge's QR link,
 * percent-encoded or full-width or inside a chat message, or a labelled number (「证件编号：…」) stands for the number
 * it carries. One reading for the island (which shows the number in the field) and the handler (which checks and
 * stores it). Browser-safe.
 */
export type CertificateNoReading = { certificateNo: string } | { error: string };

export const certificateNoMessages = {
  tooLong: `证件编号一栏不能超过 ${MAX_PASTED_LENGTH} 个字：请只填写证件上的编号，或粘贴证件二维码的链接`,
  otherSite: (host: string) =>
    `您粘贴的链接不是本站地址：它指向「${host.length > 60 ? `${host.slice(0, 60)}…` : host}」。证件二维码都应指向本站，这张证件可能是伪造的。请填写证件上印的编号；链接可以写进情况描述`,
} as const;

/**
 * `siteHosts`: this site's host names (the one the citizen is on, and SITE_URL's, which the QR codes carry); a link to
 * any other host is refused, never read: a forged badge's QR code may lead to a look-alike site. `listed` (when the
 * caller has the directory) keeps a listed number that begins like a label (「NO.2024-0099」) as typed, as the lookup
 * does. Text that is neither link nor label is returned as typed: the schema's limit and the directory judge it.
 * Input longer than the lookup's cap is refused before it is read.
 */
export function readCertificateNo(typed: string, siteHosts: readonly (string | undefined)[], listed?: (no: string) => boolean): CertificateNoReading {
  if (typed.length > MAX_PASTED_LENGTH) return { error: certificateNoMessages.tooLong };
  const input = numberFromPastedText(typed);
  const host = foreignLinkHost(input, siteHosts);
  if (host !== undefined) return { error: certificateNoMessages.otherSite(host) };
  if (input.source === 'typed') return { certificateNo: typed };
  return { certificateNo: (listed && lookupCandidates(typed, input).find(listed)) || input.number };
}
