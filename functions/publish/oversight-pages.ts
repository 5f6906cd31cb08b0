import { formatDateTime } from '../../src/core/dates.ts';
import { formatDate } from '../../src/core/labels.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { escapeHtml as e } from '../../src/core/text.ts';
import type { LogEntry } from './oversight.ts';
import { page } from './pages.ts';

/** `/publish/oversight/`: an oversight bureau asks for a sign-in link to its registered mailbox. */
export function chooseBureauHtml(bureaus: readonly Agency[], error?: string): string {
  const options = bureaus.map((b) => `<option value="${e(b.id)}">${e(b.name)}（${e(b.region)}）</option>`).join('');
  return page(
    '名单发布记录',
    `<h1>名单发布记录（监督机关）</h1>
<p>监督机关在这里查看所监督的执法机关通过工作台发布名单的记录：谁、何时、发布了哪一版、有多少变化。本页不公开；登录链接发到监督机关在机关名录中登记的邮箱，15 分钟内有效，只能使用一次。</p>
<form method="post" action="/publish/oversight/sign-in"><label for="bureau">监督机关</label>${error ? `<p class="error" id="bureau-error" role="alert">${e(error)}</p>` : ''}
<select id="bureau" name="bureau" required${error ? ' aria-describedby="bureau-error"' : ''}><option value="">请选择</option>${options}</select>
<button type="submit" class="btn">发送登录链接</button></form>`,
  );
}

const changes = (entry: LogEntry): string =>
  [
    ['新增', entry.added],
    ['状态变化', entry.statusChanged],
    ['确认离职', entry.left],
    ['姓名更正', entry.renamed],
    ['证件编号变化', entry.numberChanged],
    ['移除', entry.removed],
  ]
    .filter(([, n]) => n)
    .map(([word, n]) => `${word} ${n} 人`)
    .join('，') || '无变化';

/** The log of the agencies a bureau oversees, newest first; each agency's current roster date above it. */
export function publicationLogHtml(
  session: { agency: Agency; mailbox: string; expiresAt: string },
  agencies: readonly { agency: Agency; rosterDate: string | undefined; staleSince: string | undefined }[],
  entries: readonly LogEntry[],
  freshnessNote: string,
): string {
  const agencyRows = agencies
    .map(
      ({ agency, rosterDate, staleSince }) =>
        `<tr data-agency-date="${e(agency.id)}"><td>${e(agency.name)}</td><td>${rosterDate ? formatDate(rosterDate) : '没有公示名单'}</td><td>${staleSince ? `<strong class="error">可能已过时</strong>（${formatDate(staleSince)} 后未再更新）` : ''}</td></tr>`,
    )
    .join('');
  const logRows = entries
    .map(
      (x) =>
        `<tr data-agency="${e(x.agency.id)}" data-seq="${x.seq}"><td>${e(formatDateTime(x.publishedAt))}</td><td>${e(x.agency.name)}</td><td>第 ${x.seq} 版${x.current ? '（当前公示）' : ''}${x.restoredSeq ? `<br>撤销：重新发布第 ${x.restoredSeq} 版` : ''}</td><td>${e(x.mailbox)}</td><td>${x.total ?? ''}</td><td>${changes(x)}</td></tr>`,
    )
    .join('');
  return page(
    `名单发布记录：${session.agency.name}`,
    `<h1>名单发布记录：${e(session.agency.name)}</h1>
<p data-agency="${e(session.agency.id)}">您已以 ${e(session.mailbox)} 登录，登录至 ${e(formatDateTime(session.expiresAt))} 有效。本页只有登录的监督机关可以看到。</p>
<h2>所监督机关的名单日期</h2><table><thead><tr><th scope="col">机关</th><th scope="col">名单日期</th><th scope="col">是否过时</th></tr></thead><tbody>${agencyRows}</tbody></table><p class="muted">${e(freshnessNote)}</p>
<h2>发布记录</h2>${
      entries.length
        ? `<table class="log"><thead><tr><th scope="col">发布时间</th><th scope="col">机关</th><th scope="col">版本</th><th scope="col">发布邮箱</th><th scope="col">人数</th><th scope="col">变化</th></tr></thead><tbody>${logRows}</tbody></table>`
        : '<p>所监督的机关还没有通过工作台发布过名单（名单保存在 Git 中的，不在此列）。</p>'
    }
<form method="post" action="/publish/sign-out"><button type="submit" class="btn btn-plain">退出登录</button></form>`,
  );
}
