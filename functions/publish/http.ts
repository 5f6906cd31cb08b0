import { readCapped } from '../complaints/body.ts';
import { crossSite, crossSiteRefusal } from '../server/cross-site.ts';
import { withHint } from '../../src/core/error-data.ts';
import { readFormFields, readFormParams } from '../server/form.ts';
import { slidingWindow, slidingWindowUntil } from '../complaints/rate.ts';
import type { FunctionHandler } from '../server/node.ts';
import { endSession, type PublishRole } from '../store/records/publish-sessions.ts';
import { holdLatestSignIn } from '../store/records/publish-sign-ins.ts';
import { workerRosterParser, type RosterParser } from './roster-parser.ts';
import { clearedCookie, cookieName, readCookie, sessionCookie } from './cookie.ts';
import {
  chooseAgencyHtml,
  confirmSignInHtml,
  linkHeldHtml,
  linkSentHtml,
  problemHtml,
  shanghaiTime,
  shownState,
  uploadResultHtml,
  workspaceHtml,
} from './pages.ts';
import { checkUpload, parseRecords } from './upload.ts';
import { gitRosterOf } from './git-roster.ts';
import { confirmDraft, republishPrevious, undoWindow } from './confirm.ts';
import type { Republisher } from './republish.ts';
import type { StoreWatch } from './store-watch.ts';
import { findDraft } from '../store/records/roster-drafts.ts';
import { listVersions } from '../store/records/roster-versions.ts';
import { rosterDiffSchema } from '../../src/core/roster/diff.ts';
import { completeSignIn, inspectSignIn, maskedMailbox, publishMailbox, requestSignIn, sessionFor, type PublishSession } from './sign-in.ts';
import { SIGN_IN_REQUESTS_PER_HOUR, type PublishWorld } from './world.ts';
import { bureausOf, freshnessNote, publicationLogOf, rosterDatesUnder } from './oversight.ts';
import { chooseBureauHtml, publicationLogHtml } from './oversight-pages.ts';
import type { Agency } from '../../src/core/registry/schema.ts';

/** Pages whose URL or cookie is a credential: never cached, never referred, never framed. */
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
};
const html = (status: number, body: string, extra: Record<string, string> = {}) => new Response(body, { status, headers: { ...HEADERS, ...extra } });
const redirect = (location: string, extra: Record<string, string> = {}) => new Response(null, { status: 303, headers: { ...HEADERS, location, ...extra } });

const MAX_FORM_BYTES = 64 * 1024;
/** An export of a whole province (100,000 rows) is under 20 MB as XLSX; CSV is smaller. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

async function readUpload(request: Request): Promise<{ name: string; bytes: Uint8Array } | { status: number; error: string }> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data') return { status: 415, error: '请用页面上的表单上传名单文件（multipart/form-data）。' };
  const buffer = await readCapped(request, MAX_UPLOAD_BYTES);
  if (!buffer) return { status: 413, error: `文件太大（上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB）。` };
  let form: FormData;
  try {
    form = await new Response(buffer as BodyInit, { headers: { 'content-type': request.headers.get('content-type')! } }).formData();
  } catch {
    return { status: 400, error: '表单数据格式错误，无法读取。' };
  }
  const file = form.get('roster');
  if (!file || typeof file === 'string') return { status: 422, error: '请选择要上传的名单文件（字段 roster）。' };
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

export interface PublishRoute {
  /** The signed-in session, already checked. */
  session: PublishSession;
  request: Request;
}

/**
 * `/publish/` (choose the agency), `POST /publish/sign-in` (mail a link), `GET|POST /publish/sign-in/<token>`
 * (button page; the POST signs in), `/publish/workspace/` (signed in: upload, confirm, undo), `POST /publish/sign-out`;
 * for oversight bureaus `/publish/oversight/` (choose the bureau), `POST /publish/oversight/sign-in` and
 * `/publish/oversight/log/` (signed in as the bureau: the publication log). Uploads are read by `options.parser`,
 * by default in a worker thread, one at a time (roster-parser.ts).
 */
export function publishFunctions(
  world: PublishWorld,
  republisher?: Republisher,
  options: {
    parser?: RosterParser;
    /** This server's look for versions published elsewhere (`npm start`): the workspace page says when its site is behind. */
    storeWatch?: Pick<StoreWatch, 'lag' | 'overdueMs' | 'since'>;
  } = {},
): FunctionHandler {
  const parser = options.parser ?? workerRosterParser();
  const mailsPerAgency = slidingWindowUntil(SIGN_IN_REQUESTS_PER_HOUR.perAgency, 3600_000);
  const perAddress = slidingWindow(SIGN_IN_REQUESTS_PER_HOUR.perAddress, 3600_000);
  const siteUrl = () => world.settings.siteUrl;
  /**
   * A sign-in request for `agency` (a clerk's, or a bureau's for its log; `key` tells them apart), by the platform's
   * policy (docs/PUBLISHING.md): too many from the client's address → 429. Otherwise a link is mailed while the
   * agency has mails left this hour; once they are used up, no mail is sent, and the newest mail's link is kept
   * valid until the hour frees a mail again — the page says so. Anyone may ask for an agency's link, but only its
   * mailbox receives it: a stranger's requests must neither flood the mailbox nor lock the clerk out.
   */
  const signIn = async (agency: Agency, key: string, role: PublishRole, address: string): Promise<Response> => {
    const now = world.clock.now().getTime();
    if (!perAddress(address, now)) {
      return html(429, problemHtml(429, `本网络地址一小时内已请求 ${SIGN_IN_REQUESTS_PER_HOUR.perAddress} 次登录链接，请稍后再试。`, '请求过于频繁'), {
        'retry-after': '3600',
      });
    }
    const masked = maskedMailbox(publishMailbox(agency));
    const full = mailsPerAgency(key, now);
    if (full === undefined) return html(200, linkSentHtml(agency, maskedMailbox(await requestSignIn(world, agency, role))));
    const until = new Date(full).toISOString();
    const held = await holdLatestSignIn(world.store, agency.id, role, new Date(now - 3600_000).toISOString(), until);
    if (held) return html(200, linkHeldHtml(agency, masked, SIGN_IN_REQUESTS_PER_HOUR.perAgency, held.sentAt, held.expiresAt));
    // The newest link was used: someone with the mailbox signed in after the last mail. No mail until the hour frees one.
    return html(
      429,
      problemHtml(
        429,
        `一小时内已向${agency.name}的邮箱 ${masked} 发送了 ${SIGN_IN_REQUESTS_PER_HOUR.perAgency} 封登录邮件，其中最新的链接已经用过。为防止邮箱被大量邮件淹没，请在 ${shanghaiTime(until)}（北京时间）后再请求。`,
        '请求过于频繁',
      ),
      { 'retry-after': String(Math.max(1, Math.ceil((full - now) / 1000))) },
    );
  };
  const homeOf = (session: PublishSession) => (session.role === 'oversight' ? '/publish/oversight/log/' : '/publish/workspace/');

  return async (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname !== '/publish' && !pathname.startsWith('/publish/')) return undefined;
    const method = request.method;
    const read = method === 'GET' || method === 'HEAD';
    if (!read && method !== 'POST') return html(405, problemHtml(405, '只接受 GET 和 POST。'), { allow: 'GET, POST' });
    // The sign-in request form carries no cookie at all, and older browsers ignore SameSite: the origin decides.
    if (!read && crossSite(request, siteUrl(), { opaqueOrigin: 'refuse' }))
      return html(403, problemHtml(403, withHint(crossSiteRefusal), crossSiteRefusal.title));
    const session = await sessionFor(world, readCookie(request, cookieName(siteUrl())));

    if (pathname === '/publish' || pathname === '/publish/') {
      if (!read) return html(405, problemHtml(405, '此页只接受 GET。'), { allow: 'GET' });
      if (session) return redirect(homeOf(session));
      return html(200, chooseAgencyHtml(world.directory.agencies));
    }

    if (pathname === '/publish/oversight' || pathname === '/publish/oversight/') {
      if (!read) return html(405, problemHtml(405, '此页只接受 GET。'), { allow: 'GET' });
      if (session?.role === 'oversight') return redirect(homeOf(session));
      return html(200, chooseBureauHtml(bureausOf(world.directory)));
    }

    if (pathname === '/publish/oversight/sign-in' || pathname === '/publish/oversight/sign-in/') {
      if (read) return redirect('/publish/oversight/');
      const form = await readFormFields(request, MAX_FORM_BYTES);
      if ('error' in form && typeof form.status === 'number') return html(form.status, problemHtml(form.status, String(form.error)));
      const bureauId = (form as Record<string, string>).bureau ?? '';
      const bureau = bureausOf(world.directory).find((b) => b.id === bureauId);
      if (!bureau)
        return html(
          422,
          chooseBureauHtml(bureausOf(world.directory), bureauId ? '这个机关不是名录中任何机关的监督机关，请从列表中选择。' : '请选择监督机关。'),
        );
      return signIn(bureau, `oversight:${bureau.id}`, 'oversight', context.clientAddress);
    }

    if (pathname === '/publish/sign-in' || pathname === '/publish/sign-in/') {
      if (read) return redirect('/publish/');
      const form = await readFormFields(request, MAX_FORM_BYTES);
      if ('error' in form && typeof form.status === 'number') return html(form.status, problemHtml(form.status, String(form.error)));
      const agencyId = (form as Record<string, string>).agency ?? '';
      const agency = agencyId ? world.directory.agency(agencyId) : undefined;
      if (!agency) {
        return html(422, chooseAgencyHtml(world.directory.agencies, { message: agencyId ? '机关名录中没有这个机关，请从列表中选择。' : '请选择机关。' }));
      }
      return signIn(agency, agency.id, 'clerk', context.clientAddress);
    }

    const link = /^\/publish\/sign-in\/([^/]*)\/?$/.exec(pathname);
    if (link) {
      const token = link[1]!;
      if (read) {
        const check = await inspectSignIn(world, token);
        if (!check.ok) return html(check.status, problemHtml(check.status, check.message, '无法登录'));
        return html(200, confirmSignInHtml(check.agency, check.mailbox, check.role));
      }
      const done = await completeSignIn(world, token);
      if (!done.ok) return html(done.status, problemHtml(done.status, done.message, '无法登录'));
      const maxAge = (done.expiresAt.getTime() - world.clock.now().getTime()) / 1000;
      return redirect(done.role === 'oversight' ? '/publish/oversight/log/' : '/publish/workspace/', {
        'set-cookie': sessionCookie(siteUrl(), done.sessionToken, maxAge),
      });
    }

    if (pathname === '/publish/sign-out' || pathname === '/publish/sign-out/') {
      if (read) return redirect('/publish/');
      if (session) await endSession(world.store, session.tokenHash, world.clock.now().toISOString());
      return redirect('/publish/', { 'set-cookie': clearedCookie(siteUrl()) });
    }

    if (pathname === '/publish/oversight/log' || pathname === '/publish/oversight/log/') {
      if (!read) return html(405, problemHtml(405, '此页只接受 GET。'), { allow: 'GET' });
      if (!session) return html(401, problemHtml(401, '请先登录：在“名单发布记录”页面选择监督机关，并打开邮件中的登录链接。', '需要登录'));
      if (session.role !== 'oversight') return html(403, problemHtml(403, '发布记录只对监督机关开放：请退出登录，以监督机关的身份重新登录。', '无权查看'));
      return html(
        200,
        publicationLogHtml(session, rosterDatesUnder(world, session.agency.id), await publicationLogOf(world, session.agency), freshnessNote(world)),
      );
    }

    if (!session) return html(401, problemHtml(401, '请先登录：在“名单发布”页面选择机关，并打开邮件中的登录链接。', '需要登录'));
    if (session.role !== 'clerk') return html(403, problemHtml(403, '监督机关的登录只能查看发布记录，不能发布名单。', '无权发布'));

    if (pathname === '/publish/workspace' || pathname === '/publish/workspace/') {
      if (!read) return html(405, problemHtml(405, '此页只接受 GET。'), { allow: 'GET' });
      const versions = await listVersions(world.store, session.agency.id);
      const undo = versions[0]?.status === 'published' ? undoWindow(world, versions[0]) : undefined;
      // Never published here: the site may publish the agency's Git roster, which the page then names.
      const git = versions.some((v) => v.status === 'published') ? undefined : gitRosterOf(world.directory, session.agency.id);
      const watch = options.storeWatch;
      const state =
        republisher &&
        shownState(
          republisher.status(session.agency.id),
          versions[0],
          world.directory.workspaceVersions,
          republisher.rebuildsItself,
          watch && { lag: watch.lag(), overdueMs: watch.overdueMs, since: watch.since, now: world.clock.now().getTime() },
        );
      return html(200, workspaceHtml(session, versions, state, undefined, undo, git));
    }

    if (pathname === '/publish/workspace/confirm' || pathname === '/publish/workspace/undo') {
      if (read) return redirect('/publish/workspace/');
      // Without a way to republish, nothing is recorded: a version that never reaches the site would mislead the clerk.
      if (!republisher) {
        return html(
          503,
          problemHtml(
            503,
            '本部署没有配置重新生成网站的方式（一体部署由 npm start 自动完成；无服务器部署需设置 BUILD_HOOK_URL），名单无法发布。请联系运维人员。',
            '暂时无法发布',
          ),
        );
      }
      const form = await readFormParams(request, MAX_FORM_BYTES * 16);
      if (!(form instanceof URLSearchParams)) return html(form.status, problemHtml(form.status, form.error));
      const undo = pathname.endsWith('/undo');
      const draftId = form.get('draft') ?? '';
      if (!undo && !/^[0-9a-f-]{36}$/.test(draftId)) return html(400, problemHtml(400, '缺少要确认的上传（字段 draft）。请重新上传名单。'));
      // The undo form carries the version it was shown with: pressed twice, the second press is refused, not an undo of the undo.
      const seen = form.get('seq') ?? '';
      if (undo && !/^[1-9][0-9]{0,8}$/.test(seen)) return html(400, problemHtml(400, '缺少要撤销的当前版本（字段 seq）。请刷新工作台后再操作。'));
      const done = undo ? await republishPrevious(world, session, Number(seen)) : await confirmDraft(world, session, draftId, form.getAll('left'));
      if (!done.ok) {
        const draft = !undo && done.status === 422 ? await findDraft(world.store, draftId, session.tokenHash) : undefined;
        if (draft) {
          const diff = rosterDiffSchema.parse(JSON.parse(draft.diff));
          // A draft made against no workspace version was diffed against the Git roster the site published, if any.
          const git = draft.base_version_id === '' ? gitRosterOf(world.directory, session.agency.id) : undefined;
          return html(
            422,
            uploadResultHtml(
              session.agency,
              {
                ok: true,
                fileName: '上传的名单',
                report: [],
                draftId,
                diff,
                total: parseRecords(draft.records).length - (diff.carried ?? 0),
                ...(git ? { git } : {}),
              },
              done.message,
            ),
          );
        }
        return html(done.status, problemHtml(done.status, done.message));
      }
      const state = await republisher.request(done.version);
      if (state.state === 'building') return redirect('/publish/workspace/');
      // A build hook has answered: said here, because the next request may reach another serverless instance.
      return html(state.state === 'failed' ? 502 : 200, workspaceHtml(session, await listVersions(world.store, session.agency.id), state));
    }
    if (pathname === '/publish/workspace/upload') {
      if (read) return redirect('/publish/workspace/');
      const upload = await readUpload(request);
      if ('error' in upload) return html(upload.status, problemHtml(upload.status, upload.error, '无法读取上传'));
      const result = await checkUpload(world, session, upload, parser);
      if (!result.ok && result.status === 503) {
        return html(503, problemHtml(503, result.problems[0]?.reason ?? '', '请稍后再上传'), { 'retry-after': '60' });
      }
      return html(result.ok ? 200 : 422, uploadResultHtml(session.agency, result));
    }
    return html(404, problemHtml(404, '没有这个页面。'));
  };
}
