import type { FunctionHandler } from '../server/node.ts';
import { findComplaintById } from '../store/records/complaints.ts';
import { findEvidenceFile } from '../store/records/evidence.ts';
import { evidenceLinkUntil, verifyEvidenceToken } from './evidence-links.ts';
import { noticePage } from './pages.ts';
import { FUNCTION_PAGE_POLICY } from '../../src/core/security-headers.ts';
import type { World } from './world.ts';
import { withHint } from '../../src/core/error-data.ts';
import { intakeErrors } from './errors.ts';
import { FRESH_LINKS_PATH, FRESH_LINKS_TITLE, linkFreshLinksPath } from '../handling/links.ts';

/** The file is the complainant's evidence: never cached anywhere, never rendered as a page of this site. */
const FILE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
};

const problem = (status: number, message: string, extra: Record<string, string> = {}) =>
  new Response(linkFreshLinksPath(noticePage('无法下载', message)), {
    status,
    headers: {
      ...FILE_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': FUNCTION_PAGE_POLICY,
      ...extra,
    },
  });

/** `filename*` (RFC 6266/5987) for the stored name, which is ours (`证据1.jpg`), never the uploaded one. */
function disposition(name: string): string {
  return `attachment; filename="evidence.${name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * `GET /api/evidence/<token>`: one evidence file that was too large to mail, for the agency the complaint is with,
 * until its handling deadline plus 30 days (functions/complaints/evidence-links.ts). Logs never carry the token.
 */
export function evidenceDownloads(world: Pick<World, 'store' | 'clock' | 'settings' | 'log'>): FunctionHandler {
  const log = world.log ?? ((line: string) => console.log(line));
  return async (request) => {
    const { pathname } = new URL(request.url);
    const match = /^\/api\/evidence\/([^/]*)\/?$/.exec(pathname);
    if (!match) return undefined;
    const response = await download(world, request, match[1]!);
    log(`[evidence] ${request.method} /api/evidence/… ${response.status}`);
    return response;
  };
}

async function download(world: Pick<World, 'store' | 'clock' | 'settings'>, request: Request, token: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, withHint(intakeErrors.EvidenceMethodNotAllowed), { allow: 'GET, HEAD' });
  const claim = verifyEvidenceToken(token, world.settings.secret, world.settings.previousSecrets);
  if (!claim) return problem(403, withHint(intakeErrors.EvidenceLinkInvalid, FRESH_LINKS_TITLE, FRESH_LINKS_PATH));
  const complaint = await findComplaintById(world.store, claim.complaintId);
  const file = complaint ? await findEvidenceFile(world.store, claim.complaintId, claim.evidenceId) : undefined;
  if (!complaint || !file) return problem(404, withHint(intakeErrors.EvidenceGone));
  if (complaint.agency_id !== claim.agencyId) return problem(403, withHint(intakeErrors.EvidenceTransferred));
  const until = evidenceLinkUntil(complaint);
  if (world.clock.now() > until) return problem(410, withHint(intakeErrors.EvidenceLinkExpired, until.toISOString().slice(0, 10)));
  const body = Buffer.from(file.data);
  return new Response(request.method === 'HEAD' ? null : body, {
    status: 200,
    headers: { ...FILE_HEADERS, 'content-type': file.type, 'content-length': String(body.byteLength), 'content-disposition': disposition(file.name) },
  });
}
