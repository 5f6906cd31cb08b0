import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Directory, ListedCertificate } from '../../src/core/directory.ts';
import { disclosureOf } from '../../src/core/policy/disclosure.ts';
import { shanghaiDateOf } from '../../src/core/dates.ts';
import { NAME_WITHHELD, statusInfo } from '../../src/core/labels.ts';
import { shownStatus } from '../../src/core/roster/shown-status.ts';
import type { ShownStatus } from '../../src/core/roster/schema.ts';
import { activeFirst } from '../../src/core/search/rank.ts';
import { queryParts } from '../../src/core/search/tokens.ts';
import { agencyHref, verifyHref, withoutSearchHtml } from '../../src/core/lookup-html.ts';
import { parseHeadersFile } from '../../src/core/security-headers.ts';
import { escapeHtml, searchName } from '../../src/core/text.ts';
import { CLOSE_NAME_LIMIT, closeNamesText } from '../../src/core/search/close-names.ts';
import type { PartEntry } from '../../src/core/search/parts.ts';
import { closeNamesOffered, nameKeyIndex, type NameKeyIndex } from './close-names.ts';
import type { FunctionHandler } from './node.ts';

/**
 * `/search/?q=…` as the built search page with the query already in its box. The page's script fills the box
 * itself, but without JavaScript a name typed into the lookup box (sent here by the lookup) would arrive in an
 * empty box. Same HTML and the same headers (`_headers`: the site's CSP with the page's inline hashes) as the
 * static file; only the box's value differs — and, given the directory, the page's <noscript> block: what a
 * browser without JavaScript can be told without Pagefind, the people with exactly that name and, where posts are
 * published, those whose post holds the text (each as the script lists them: name, number, status, unit, post;
 * valid holders first), and the units whose name holds the text, each linked to its page; when none, and no
 * published name holds the text, the names one character off it as the page's script offers them (close-names.ts).
 * A status is the one shown on the day of the request (an active certificate past its 有效期至 is 已过有效期,
 * `now` in China's time zone). Without `q` the static file answers.
 */
export function searchPageFunction(outDir: () => string, currentDirectory?: () => Directory, options: { now?: () => Date } = {}): FunctionHandler {
  const now = options.now ?? (() => new Date());
  let prepared: Prepared | undefined;
  const prepare = (directory: Directory) => {
    if (prepared?.from !== directory) {
      const { byName, byPost } = peopleIndex(directory);
      // Made on the first query that could have names one character off: most never need it.
      let keys: NameKeyIndex | undefined;
      prepared = { from: directory, byName, byPost, nameKeys: () => (keys ??= nameKeyIndex(byName.keys())) };
    }
    return prepared;
  };
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const url = new URL(request.url);
    if (url.pathname !== '/search/' && url.pathname !== '/api/search-page') return undefined;
    const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
    if (!q) return undefined;
    const dir = outDir();
    let html: string;
    let headers: Record<string, string>;
    try {
      html = await readFile(join(dir, 'search', 'index.html'), 'utf8');
      headers = parseHeadersFile(await readFile(join(dir, '_headers'), 'utf8'));
    } catch {
      // No build (or one without a search page): leave the address to the static files.
      return undefined;
    }
    let filled = html.replace(/<input id="q"([^>]*?)\s*\/?>/, (tag, rest: string) =>
      /\svalue=/.test(rest) ? tag : `<input id="q"${rest} value="${escapeHtml(q)}">`,
    );
    if (currentDirectory) {
      const directory = currentDirectory();
      const today = shanghaiDateOf(now());
      filled = filled.replace(NOSCRIPT, () => `<noscript id="search-nojs">${noScriptResults(q, prepare(directory), directory, today)}</noscript>`);
    }
    return new Response(request.method === 'HEAD' ? null : filled, {
      status: 200,
      headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=60' },
    });
  };
}

const NOSCRIPT = /<noscript id="search-nojs">[\s\S]*?<\/noscript>/;
/** More people of one name than this are not listed one by one (the unit rosters list them). */
const MAX_LISTED = 50;

interface Prepared {
  from: Directory;
  /** Published names (compared as the search page's name index compares them) → their certificates. */
  byName: Map<string, ListedCertificate[]>;
  /** Published posts (searchName) → their holders; empty where posts are not published (or the file predates them). */
  byPost: Map<string, ListedCertificate[]>;
  nameKeys(): NameKeyIndex;
}

function peopleIndex(directory: Directory): Pick<Prepared, 'byName' | 'byPost'> {
  const byName = new Map<string, ListedCertificate[]>();
  const byPost = new Map<string, ListedCertificate[]>();
  const add = (index: Map<string, ListedCertificate[]>, key: string, c: ListedCertificate) => {
    const list = index.get(key);
    if (list) list.push(c);
    else index.set(key, [c]);
  };
  for (const c of directory.certificates()) {
    if (c.name === NAME_WITHHELD) continue;
    add(byName, searchName(c.name), c);
    if (c.post) add(byPost, searchName(c.post), c);
  }
  return { byName, byPost };
}

/** One person as listed: the published fields and the status shown today ('' when the file does not say). */
type Listed = Pick<ListedCertificate, 'certificateNo' | 'name' | 'agencyId' | 'post'> & { status: ShownStatus | '' };

const listedOn =
  (today: string) =>
  (c: ListedCertificate): Listed => ({
    certificateNo: c.certificateNo,
    name: c.name,
    agencyId: c.agencyId,
    status: c.status ? shownStatus({ status: c.status, ...(c.validUntil ? { validUntil: c.validUntil } : {}) }, today) : '',
    ...(c.post ? { post: c.post } : {}),
  });

/** Valid holders first (the script's rule), at most MAX_LISTED, with the summary line saying how many in all. */
function peopleHtml(found: Listed[], summary: (count: number) => string, person: (p: Listed) => string, id: string): string {
  const shown = activeFirst(found, (p) => p.status).slice(0, MAX_LISTED);
  const rest = found.length > shown.length ? `，下面列出前 ${shown.length} 人，其余请在各单位的公示名单中查看` : '';
  return `<p${id ? ` id="${id}"` : ''}>${escapeHtml(summary(found.length))}${rest}：</p><ol class="results">${shown.map(person).join('')}</ol>`;
}

/**
 * The <noscript> block's contents for a query: exact-name matches, people whose post holds it, units named so,
 * names one character off, and what needs JavaScript.
 */
const postsPublished = (directory: Directory) => disclosureOf(directory.policy).published.has('post');

function noScriptResults(q: string, { byName, byPost, nameKeys }: Prepared, directory: Directory, today: string): string {
  const listed = listedOn(today);
  const people = (byName.get(searchName(q)) ?? []).map(listed);
  const long = [...q].length >= 2;
  const units = long ? directory.agencies.filter((a) => a.name.includes(q) || (a.aliases ?? []).includes(q)) : [];
  // As the script matches a post (match.ts): every part typed is in it.
  const parts = queryParts(q);
  const posts = long && parts.length ? [...byPost.keys()].filter((post) => parts.every((part) => post.includes(part))) : [];
  const byPostFound = posts.flatMap((post) => byPost.get(post)!.map(listed));
  const person = (p: Listed) =>
    `<li><a href="${escapeHtml(verifyHref(p.certificateNo))}">${escapeHtml(p.name)}（${escapeHtml(p.certificateNo)}）</a>` +
    (p.status ? ` <span class="tag status-${p.status}">${escapeHtml(statusInfo[p.status].label)}</span>` : '') +
    `<div class="muted">${escapeHtml([directory.agency(p.agencyId)?.name ?? '', p.post].filter(Boolean).join(' · '))}</div></li>`;
  const close =
    people.length || byPostFound.length || units.length
      ? []
      : closeNamesOffered(q, nameKeys, (name) =>
          (byName.get(name) ?? [])
            .map(listed)
            .map((p): PartEntry => (p.post ? [p.name, p.certificateNo, p.status, p.agencyId, p.post] : [p.name, p.certificateNo, p.status, p.agencyId])),
        );
  const samePost = posts.length === 1 && posts[0] === searchName(q);
  const html = [
    people.length
      ? peopleHtml(people, (n) => `姓名为「${q}」的有 ${n} 人`, person, 'search-nojs-summary')
      : byPostFound.length
        ? ''
        : close.length
          ? closeNamesHtml(q, close, person)
          : `<p id="search-nojs-summary">没有姓名为「${escapeHtml(q)}」的人员。</p>`,
    byPostFound.length
      ? peopleHtml(byPostFound, (n) => `岗位${samePost ? '为' : '含'}「${q}」的有 ${n} 人`, person, people.length ? 'search-nojs-posts' : 'search-nojs-summary')
      : '',
    units.length
      ? `<p>名称含「${escapeHtml(q)}」的单位：</p><ul>${units.map((a) => `<li><a href="${agencyHref(a.id)}">${escapeHtml(a.name)}</a>的公示名单</li>`).join('')}</ul>`
      : '',
    // Posts are searched here only where the directory file has them; where policy.yaml publishes none, nowhere.
    `<p class="notice">未启用 JavaScript 时，这里只按完整姓名${byPost.size ? '和岗位' : ''}查找，不按地区、单位、状态筛选；` +
      `按姓名的一部分、单位${!byPost.size && postsPublished(directory) ? '、岗位' : ''}或编号末几位搜索需要 JavaScript。也${withoutSearchHtml}</p>`,
  ];
  return html.join('');
}

/** The names one character off, as the page's script shows them: the summary, 「您要找的是不是：」, the first CLOSE_NAME_LIMIT, the note. */
function closeNamesHtml(q: string, close: PartEntry[], person: (p: Listed) => string): string {
  // Without JavaScript there are no filters to narrow the rest by.
  const text = closeNamesText(q, close.length, true, false);
  const listed = close
    .slice(0, CLOSE_NAME_LIMIT)
    .map(([name, certificateNo, status, agencyId, post]) =>
      person({ name, certificateNo, agencyId, status: status as Listed['status'], ...(post ? { post } : {}) }),
    );
  return (
    `<p id="search-nojs-summary">${escapeHtml(text.summary)}</p>` +
    `<section id="search-nojs-close" aria-labelledby="search-nojs-close-title"><h2 id="search-nojs-close-title">您要找的是不是：</h2>` +
    `<ol class="results">${listed.join('')}</ol><p class="muted">${escapeHtml(text.note)}</p></section>`
  );
}
