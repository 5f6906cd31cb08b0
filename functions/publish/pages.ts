import { escapeHtml } from '../../src/core/text.ts';
import { pageHtml } from '../../src/core/frame.ts';
import { formatDate } from '../../src/core/labels.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { groupByRegion } from '../../src/core/registry/regions.ts';
import { problemTexts } from '../../src/import/roster/index.ts';
import { STATUS_NAMES } from '../../src/import/roster/status.ts';
import type { UploadResult } from './upload.ts';
import type { GitRoster } from './git-roster.ts';
import type { PublicationState } from './republish.ts';
import type { SiteLag } from './store-watch.ts';
import type { VersionRow } from '../store/records/roster-versions.ts';

/** The publishing workspace's pages, in the site's frame: no scripts, nothing from third parties. */
const STYLE = `<style>.publish label{display:block;font-weight:bold;margin-top:1rem}.publish select,.publish input[type=file]{font:inherit;padding:.4em;max-width:36em;width:100%}
.publish button{display:block;margin-top:1rem}.publish .error{color:#d4351c;font-weight:bold}.publish dt{font-weight:bold}
.publish table{border-collapse:collapse}.publish td,.publish th{border:1px solid #b1b4b6;padding:.3em .6em;text-align:left;vertical-align:top}</style>`;

export function page(title: string, body: string): string {
  // Credentials' pages and the publication log: never indexed (the headers say so too).
  return pageHtml(title, undefined, `${STYLE}<div class="publish">${body}</div>`, { noindex: true });
}

export function problemHtml(status: number, message: string, title = '无法继续'): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p class="error" role="alert" data-status="${status}">${escapeHtml(message)}</p><p><a href="/publish/">回到名单发布</a></p>`,
  );
}

function agencyOptions(agencies: readonly Agency[], selected: string | undefined): string {
  return `<option value="">请选择</option>${groupByRegion(agencies)
    .map(
      ({ region, agencies: list }) =>
        `<optgroup label="${escapeHtml(region)}">${list
          .map((a) => `<option value="${escapeHtml(a.id)}"${a.id === selected ? ' selected' : ''}>${escapeHtml(a.name)}</option>`)
          .join('')}</optgroup>`,
    )
    .join('')}`;
}

/** `/publish/`: pick the agency; a link goes to its registered publishing mailbox. */
export function chooseAgencyHtml(agencies: readonly Agency[], error?: { message: string; agencyId?: string }): string {
  const message = error ? `<p class="error" id="agency-error" role="alert">${escapeHtml(error.message)}</p>` : '';
  return page(
    '名单发布',
    `<h1>名单发布</h1>
<p>执法机关在这里发布本机关的辅助人员名单。没有密码：选择机关后，登录链接会发到该机关在机关名录中登记的名单发布邮箱（未登记的，发到投诉受理邮箱），${15} 分钟内有效，只能使用一次。</p>
<form method="post" action="/publish/sign-in"><label for="agency">机关</label>${message}
<select id="agency" name="agency" required${error ? ' aria-describedby="agency-error"' : ''}>${agencyOptions(agencies, error?.agencyId)}</select>
<button type="submit" class="btn">发送登录链接</button></form>`,
  );
}

export function linkSentHtml(agency: Agency, masked: string): string {
  return page(
    '登录链接已发送',
    `<h1>登录链接已发送</h1><p role="status">登录链接已发到${escapeHtml(agency.name)}的名单发布邮箱 ${escapeHtml(masked)}。请在 15 分钟内打开邮件中的链接，并按页面上的“登录”按钮。</p>
<p>没有收到？请检查垃圾邮件文件夹，或稍后<a href="/publish/">重新获取</a>。</p>`,
  );
}

/**
 * The answer to a sign-in request once the agency's mails for the hour are used up (SIGN_IN_REQUESTS_PER_HOUR): no
 * new mail, and the newest one's link works until the hour is over — whoever asked, the mailbox holds a link that works.
 */
export function linkHeldHtml(agency: Agency, masked: string, mails: number, sentAt: string, expiresAt: string): string {
  return page(
    '请使用已发送的登录链接',
    `<h1>请使用已发送的登录链接</h1><p role="status">一小时内已向${escapeHtml(agency.name)}的名单发布邮箱 ${escapeHtml(masked)} 发送了 ${mails} 封登录邮件；为防止邮箱被大量邮件淹没，这次没有再发送（本平台的规定）。</p>
<p>请打开其中<strong>最新的一封</strong>（${shanghaiTime(sentAt)} 发送），按邮件中的链接登录：这个链接现在有效至 <strong>${shanghaiTime(expiresAt)}</strong>（北京时间），只能使用一次；较早的邮件中的链接可能已经过期。</p>
<p>之后仍可在本页<a href="/publish/">重新获取</a>新的链接。</p>`,
  );
}

/** The page a mailed link opens (GET): it never signs in by itself, because mail scanners open links. */
export function confirmSignInHtml(agency: Agency, mailbox: string, role: 'clerk' | 'oversight' = 'clerk'): string {
  const title = role === 'oversight' ? '登录查看发布记录' : '登录名单发布';
  const what = role === 'oversight' ? '查看所监督机关的名单发布记录' : '发布本机关的名单';
  return page(
    title,
    `<h1>${title}</h1><dl><dt>机关</dt><dd>${escapeHtml(agency.name)}</dd><dt>邮箱</dt><dd>${escapeHtml(mailbox)}</dd></dl>
<p>按下按钮后，您将以本机关的身份登录，${what}，最长 8 小时。此链接随即失效。</p>
<form method="post" action=""><button type="submit" class="btn">登录</button></form>`,
  );
}

/** `2026-11-20 10:00` in China Standard Time. */
export function shanghaiTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Whether the previous version may still be restored, and until when (confirm.ts undoWindow). */
export interface UndoWindow {
  open: boolean;
  until: string;
}

/** Which versions a failed build took back: one, or several when later ones were confirmed while it ran. */
function failedWhat(state: PublicationState): string {
  const seqs = state.withdrawn?.length ? state.withdrawn : [state.seq];
  if (seqs.length === 1) return `第 ${seqs[0]} 版没有发布，已撤回：`;
  return `第 ${seqs.join('、')} 版都没有发布，已撤回（第 ${seqs.slice(1).join('、')} 版是在第 ${seqs[0]} 版的基础上确认的，随之撤回）：`;
}

/** What a clerk moving from a Git roster must know before confirming: the operator deletes the file first. */
const GIT_FILE_FIRST =
  '确认发布之前，请运维人员先从 content/rosters/ 删除本机关的名单文件（删除后先不要重新生成网站）。名单文件还在时确认，网站生成会失败（同一机关不能有两个名单来源），这一版会被撤回，需要重新上传。';

/** The directory file of an older build has no statuses: the ended people cannot be carried over until a rebuild. */
const STATUSES_UNKNOWN =
  '网站现在的目录文件是较早版本的程序生成的，其中没有人员的状态，已离职、证件已收回或注销的人员无法照旧沿用。请运维人员先用现在的程序重新生成一次网站（名单文件暂不删除），再上传核对。';

/** The site publishes the agency's roster from a Git file: said plainly, with the steps to move to the workspace. */
function gitRosterHtml(git: GitRoster): string {
  const ended = git.ended ? `其中 ${git.ended} 人已公示为离职、证件收回或注销，不必再列入上传的名单：他们照旧公示，状态和状态日期不变。` : '';
  return `<p data-source="git">网站目前公示的本机关名单不是通过工作台发布的，而是运维人员在 Git 中维护的名单文件（content/rosters/）：共 ${git.entries.length} 人${git.rosterDate ? `，名单日期 ${formatDate(git.rosterDate)}` : ''}。${ended}</p>
${git.statusesKnown ? '' : `<p class="error" data-statuses-unknown>${escapeHtml(STATUSES_UNKNOWN)}</p>`}<p>改用工作台发布：上传本机关现在的名单，核对与网站现在公示的这份名单相比的变化（先不要确认）；${escapeHtml(GIT_FILE_FIRST)}</p>`;
}

/** Under 名单中消失的人员, for a first upload against a Git roster: what ticking means, and when to fix the export instead. */
function gitRemovedHtml(git: GitRoster, count: number): string {
  const how = git.statusesKnown
    ? `这些人员在网站上没有公示为离职、证件收回或注销。勾选“已离职”的人员将公示为<strong>自今天起</strong>离职；其中早已离职、证件已收回或已注销的，请在导出的名单中写明状态和状态日期后重新上传，他们会照此公示。`
    : `工作台看不到 Git 名单文件中的状态和状态日期。其中<strong>早已离职、证件已收回或已注销</strong>的人员，请在导出的名单中照原样列出（写明状态和状态日期）后重新上传，他们会照此继续公示；勾选“已离职”的人员将公示为<strong>自今天起</strong>离职。${escapeHtml(STATUSES_UNKNOWN)}`;
  return `<p data-git-removed="${count}">${how}</p>`;
}

function publicationHtml(versions: readonly VersionRow[], state: ShownState | undefined, window: UndoWindow | undefined, git?: GitRoster): string {
  const [current, previous] = versions;
  const stateLine =
    state?.state === 'behind'
      ? behindHtml(state)
      : state?.state === 'building'
        ? `<p class="building" role="status" data-state="building">第 ${state.seq} 版已记录，网站正在重新生成；完成前公众看到的仍是上一版。请稍后刷新本页。</p>`
        : state?.state === 'failed'
          ? `<div class="error" role="alert" data-state="failed"><p>${failedWhat(state)}网站生成失败，网站和已公示的版本都保持原样。原因：</p><pre>${escapeHtml(state.message ?? '')}</pre><p>请按提示处理，或把以上内容转给运维人员。</p></div>`
          : state?.state === 'requested'
            ? `<p class="building" role="status" data-state="requested">第 ${state.seq} 版已记录，已通知网站托管平台重新生成网站；通常几分钟后在网站上公示，完成前公众看到的仍是上一版。</p>`
            : state?.state === 'live'
              ? `<p role="status" data-state="live">第 ${state.seq} 版已在网站上公示。${state.othersWithinMs ? othersLine(state.othersWithinMs) : ''}</p>`
              : '';
  if (!current) return `<h2>已公示的名单</h2>${stateLine}${git ? gitRosterHtml(git) : '<p>本机关还没有通过工作台发布过名单。</p>'}`;
  const counts = JSON.parse(current.counts) as { total?: number };
  const undo = !previous
    ? ''
    : window && !window.open
      ? `<p class="muted" data-undo="closed">第 ${previous.seq} 版已超过可以撤销恢复的期限（${formatDate(window.until)} 届满），不能再恢复。</p>`
      : `<form method="post" action="/publish/workspace/undo"><input type="hidden" name="seq" value="${current.seq}"><button type="submit" class="btn btn-plain">撤销：重新发布第 ${previous.seq} 版（${escapeHtml(shanghaiTime(previous.published_at))}）</button>${window ? `<p class="muted">可撤销至 ${formatDate(window.until)}（离职人员姓名的保存期限）。</p>` : ''}</form>`;
  return `<h2>已公示的名单</h2>${stateLine}<p data-version="${current.seq}">当前第 ${current.seq} 版，${escapeHtml(shanghaiTime(current.published_at))} 由 ${escapeHtml(current.mailbox)} 发布，共 ${counts.total ?? 0} 人。</p>${undo}`;
}

/**
 * A server tells only of its own site: with several servers on one store (each its own OUT_DIR), the others notice the
 * version at their next look (REBUILD_CHECK_MS) and rebuild (functions/publish/store-watch.ts).
 */
function othersLine(ms: number): string {
  return `网站由多台服务器提供时，其余服务器在 ${duration(ms)}内发现这一版并各自重新生成，完成前由它们打开的页面仍是上一版。`;
}

/**
 * The agency's current version is published, this server's site still lacks it, and no build of it is under way
 * that may yet succeed: its catch-up found the build reads another store, or failed (`lag`), or the version was
 * recorded longer ago than a rebuild takes (`overdueMs`, store-watch.ts rebuildOverdueMs).
 */
export interface BehindState {
  seq: number;
  state: 'behind';
  /** When the version was recorded (its published_at). */
  since: string;
  lag?: SiteLag;
  /** Said when no cause is known: the bound that was passed. */
  overdueMs?: number;
}

/** What the workspace page says of the agency's publication: a republisher's state, or that this server is behind. */
export type ShownState = PublicationState | BehindState;

/** What shownState needs of the server's store watch (store-watch.ts), at the time of the request. */
export interface WatchView {
  lag: SiteLag | undefined;
  overdueMs: number;
  /** When the watch began (StoreWatch.since): the bound runs from it for versions recorded before. */
  since: number;
  now: number;
}

/**
 * What the page says of the agency's publication on this server: the state this process knows of (a confirmation it
 * took, or a rebuild it made); for a newer version (confirmed through another server), whether the site this server
 * serves was built from it — said only by a server that builds itself, which then rebuilds at its next look. A
 * version that server's site still lacks is said to be behind (BehindState), not 正在重新生成, once its store watch
 * (`watch`) knows its catch-up cannot bring it in, or the version has waited past the watch's bound; a build of it
 * under way is still 正在重新生成 unless earlier tries of it failed.
 */
export function shownState(
  own: PublicationState | undefined,
  current: Pick<VersionRow, 'id' | 'seq' | 'status' | 'published_at'> | undefined,
  served: readonly string[] | undefined,
  rebuildsItself: boolean,
  watch?: WatchView,
): ShownState | undefined {
  const lacking = rebuildsItself && current?.status === 'published' && served !== undefined && !served.includes(current.id);
  const lag = lacking && watch?.lag?.ids.includes(current.id) ? watch.lag : undefined;
  const behind = (extra: Pick<BehindState, 'lag' | 'overdueMs'>): BehindState => ({
    seq: current!.seq,
    state: 'behind',
    since: current!.published_at,
    ...extra,
  });
  if (own && (!current || own.seq >= current.seq))
    return own.state === 'building' && own.seq === current?.seq && lag?.cause === 'failed' ? behind({ lag }) : own;
  if (!rebuildsItself || current?.status !== 'published' || !served) return own;
  if (!served.includes(current.id)) {
    if (lag) return behind({ lag });
    if (watch && watch.now - Math.max(Date.parse(current.published_at), watch.since) > watch.overdueMs) return behind({ overdueMs: watch.overdueMs });
    return { seq: current.seq, state: 'building' };
  }
  return own ? { seq: current.seq, state: 'live' } : undefined;
}

/** `11 分钟`, `30 秒`: a bound as the page says it. */
function duration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} 分钟` : `${Math.ceil(ms / 1000)} 秒`;
}

/**
 * This server's site was not regenerated for the agency's current version: since when, that the public this server
 * serves still sees the previous roster, why if known, and what the operator checks — the log, and which store each
 * server's build reads. Names settings only, never their values (a database address may carry a password).
 */
function behindHtml(state: BehindState): string {
  const lag = state.lag;
  const why =
    lag?.cause === 'other-store'
      ? '本服务器已重新生成过网站，但生成时读到的名单版本中没有这一版：网站生成读取的数据库与工作台记录名单的数据库不是同一个。'
      : lag?.cause === 'failed'
        ? `本服务器重新生成网站已失败 ${lag.failures} 次，${lag.retrying ? '现在正在再试' : `将于 ${lag.retryAt ? shanghaiTime(new Date(lag.retryAt).toISOString()) : '稍后'}（北京时间）前后或有新的版本时再试`}。`
        : `已超过 ${duration(state.overdueMs ?? 0)}仍未完成（网站通常几分钟内重新生成完毕；超过这个时间按异常告知，是本平台的规定）。`;
  const failure = lag?.cause === 'failed' ? '；[publish] build error 开头的行写明生成失败的原因，如磁盘已满、数据库读不到' : '';
  const check = `请把本页告知运维人员：请查看本服务器的日志（以 [publish] 开头的行${failure}），并核对每台服务器的 ROSTER_STORE_URL（未设置时为 DATABASE_URL）是否都指向工作台所用的同一个数据库。`;
  return `<div class="error" role="alert" data-state="behind"><p>第 ${state.seq} 版已于 ${escapeHtml(shanghaiTime(state.since))}（北京时间）记录，但本服务器的网站至今没有按这一版重新生成：通过本服务器访问网站的公众看到的仍是之前的名单。${escapeHtml(why)}</p><p>名单本身没有问题，不需要重新上传。${escapeHtml(check)}</p></div>`;
}

export function workspaceHtml(
  session: { agency: Agency; mailbox: string; expiresAt: string },
  versions: readonly VersionRow[] = [],
  state?: ShownState,
  notice?: string,
  undo?: UndoWindow,
  git?: GitRoster,
): string {
  return page(
    `名单发布：${session.agency.name}`,
    `<h1>名单发布：${escapeHtml(session.agency.name)}</h1>
<p data-agency="${escapeHtml(session.agency.id)}">您已以 ${escapeHtml(session.mailbox)} 登录，登录至 ${escapeHtml(shanghaiTime(session.expiresAt))} 有效。</p>
${notice ? `<p class="error" role="alert">${escapeHtml(notice)}</p>` : ''}${publicationHtml(versions, state, undo, git)}
${uploadFormHtml()}
<form method="post" action="/publish/sign-out"><button type="submit" class="btn btn-plain">退出登录</button></form>`,
  );
}

function uploadFormHtml(): string {
  return `<h2>上传名单</h2><p>上传从人事系统或表格导出的名单（.csv、.xlsx、.xls、.et）。上传后先检查，并列出与已公示名单的不同；确认之前不会公开任何内容。原文件不会被保存，只保存它的校验值和允许公开的字段。</p>
<form method="post" action="/publish/workspace/upload" enctype="multipart/form-data"><label for="roster">名单文件</label>
<input type="file" id="roster" name="roster" accept=".csv,.xlsx,.xls,.et" required><button type="submit" class="btn">上传并检查</button></form>`;
}

const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : '');

/** The roster check's report, then either every problem (nothing kept) or the diff to confirm. */
export function uploadResultHtml(agency: Agency, result: UploadResult, error?: string): string {
  const report = result.report.length ? `<h2>读取情况</h2><pre class="report">${escapeHtml(result.report.join('\n'))}</pre>` : '';
  if (!result.ok) {
    // A mistake made the same way on every row (dates written 3/1/2024) is one line, not one per row.
    const lines = problemTexts(result.problems, 'workspace');
    const gathered = lines.length < result.problems.length ? `（同一列、同一原因的合为一条，共 ${lines.length} 条）` : '';
    return page(
      `名单有问题：${agency.name}`,
      `<h1>名单有问题，未保存</h1><p class="error" role="alert">「${escapeHtml(result.fileName)}」有 ${result.problems.length} 处问题${gathered}。请在原表格中改正全部问题后重新上传；本次上传的内容没有保存。</p>
<ol class="problems">${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ol>${report}${uploadFormHtml()}`,
    );
  }
  const d = result.diff;
  const e = escapeHtml;
  const sections = [
    ['新增', d.added.map((p) => `${e(p.name)}（${e(p.certificateNo)}）`)],
    ['状态变化', d.statusChanged.map((p) => `${e(p.name)}（${e(p.certificateNo)}）：${STATUS_NAMES[p.from]} → ${STATUS_NAMES[p.to]}`)],
    ['姓名更正', d.renamed.map((p) => `${e(p.certificateNo)}：${e(p.from)} → ${e(p.to)}`)],
    ['证件编号变化', d.numberChanged.map((p) => `${e(p.name)}：${e(p.from)} → ${e(p.to)}`)],
  ] as const;
  const changes = sections
    .filter(([, items]) => items.length)
    .map(([title, items]) => `<h3>${title}（${items.length} 人）</h3>${list([...items])}`)
    .join('');
  const git = result.git;
  // Against a Git roster each person links to the page the public sees, where the clerk can check what it says (the
  // build's verifyPath, src/build/portal/paths.ts, which functions may not import).
  const publicPage = (no: string) => (git ? `（<a href="/verify/${encodeURIComponent(no)}/">公示页</a>）` : '');
  const removed = d.removed.length
    ? `<h3>名单中消失的人员（${d.removed.length} 人）</h3><p>这些人员在已公示的名单中，但新名单里没有，也没有写明状态。请逐一确认他们已离职（确认后将公示为“已离职”），或改正名单后重新上传。</p>${
        git ? gitRemovedHtml(git, d.removed.length) : ''
      }
${d.removed.map((p, i) => `<label class="left"><input type="checkbox" name="left" value="${e(p.certificateNo)}" id="left-${i}"> ${e(p.name)}（${e(p.certificateNo)}）已离职</label>${publicPage(p.certificateNo)}`).join('')}`
    : '';
  const against = git
    ? `以下是与网站现在公示的名单相比的变化：这份名单来自 Git 中的名单文件（共 ${git.entries.length} 人${git.rosterDate ? `，名单日期 ${formatDate(git.rosterDate)}` : ''}），不是通过工作台发布的；比较的是${git.statusesKnown ? '证件编号、姓名和状态' : '证件编号和姓名（目录文件中没有状态）'}（未变化 ${d.unchanged} 人）。`
    : `以下是与当前已公示名单相比的变化（未变化 ${d.unchanged} 人）。`;
  return page(
    `核对变化：${agency.name}`,
    `<h1>核对变化</h1>${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}<p role="status">「${e(result.fileName)}」检查通过，共 ${result.total} 人。${against}</p>
${changes || (d.removed.length ? '' : '<p>与已公示的名单相同，没有变化。</p>')}${
  d.carried
    ? `<p data-carried="${d.carried}">已公示为离职、证件收回或注销的 ${d.carried} 人不在新名单中：照旧公示，状态和状态日期不变，无需再次确认（已计入未变化人数）。</p>`
    : ''
}
<form method="post" action="/publish/workspace/confirm"><input type="hidden" name="draft" value="${e(result.draftId)}">${removed}
${git ? `<p class="error" data-git-first>${e(GIT_FILE_FIRST)}</p>` : ''}<button type="submit" class="btn">确认发布</button></form>${report}`,
  );
}
