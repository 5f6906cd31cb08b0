import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Directory } from '../../src/core/directory.ts';
import { NAME_WITHHELD } from '../../src/core/labels.ts';
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
 * browser without JavaScript can be told without Pagefind, the people with exactly that name (as published: name,
 * number, unit) and the units whose name holds the text, each linked to its page; when neither, and no published
 * name holds the text, the names one character off it as the page's script offers them (close-names.ts). Without
 * `q` the static file answers.
 */
export function searchPageFunction(outDir: () => string, currentDirectory?: () => Directory): FunctionHandler {
  let prepared: Prepared | undefined;
  const prepare = (directory: Directory) => {
    if (prepared?.from !== directory) {
      const byName = nameIndex(directory);
      // Made on the first query that could have names one character off: most never need it.
      let keys: NameKeyIndex | undefined;
      prepared = { from: directory, byName, nameKeys: () => (keys ??= nameKeyIndex(byName.keys())) };
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
      filled = filled.replace(NOSCRIPT, () => `<noscript id="search-nojs">${noScriptResults(q, prepare(directory), directory)}</noscript>`);
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

interface NamedCertificate {
  certificateNo: string;
  name: string;
  agencyId: string;
}

interface Prepared {
  from: Directory;
  /** Published names (compared as the search page's name index compares them) → their certificates. */
  byName: Map<string, NamedCertificate[]>;
  nameKeys(): NameKeyIndex;
}

function nameIndex(directory: Directory): Map<string, NamedCertificate[]> {
  const index = new Map<string, NamedCertificate[]>();
  for (const c of directory.certificates()) {
    if (c.name === NAME_WITHHELD) continue;
    const key = searchName(c.name);
    const list = index.get(key);
    if (list) list.push(c);
    else index.set(key, [c]);
  }
  return index;
}

/** The <noscript> block's contents for a query: exact-name matches, units named so, names one character off, and what needs JavaScript. */
function noScriptResults(q: string, { byName, nameKeys }: Prepared, directory: Directory): string {
  const people = byName.get(searchName(q)) ?? [];
  const units = [...q].length >= 2 ? directory.agencies.filter((a) => a.name.includes(q) || (a.aliases ?? []).includes(q)) : [];
  const shown = people.slice(0, MAX_LISTED);
  const person = (c: NamedCertificate) =>
    `<li><a href="${escapeHtml(verifyHref(c.certificateNo))}">${escapeHtml(c.name)}（${escapeHtml(c.certificateNo)}）</a><div class="muted">${escapeHtml(directory.agency(c.agencyId)?.name ?? '')}</div></li>`;
  const close =
    people.length || units.length
      ? []
      : closeNamesOffered(q, nameKeys, (name) =>
          (byName.get(name) ?? []).map((c): PartEntry => [c.name, c.certificateNo, directory.publishedStatus(c.certificateNo)?.status ?? '', c.agencyId]),
        );
  const parts = [
    people.length
      ? `<p id="search-nojs-summary">姓名为「${escapeHtml(q)}」的有 ${people.length} 人${people.length > shown.length ? `，下面列出前 ${shown.length} 人，其余请在各单位的公示名单中查看` : ''}：</p><ol class="results">${shown.map(person).join('')}</ol>`
      : close.length
        ? closeNamesHtml(q, close, person)
        : `<p id="search-nojs-summary">没有姓名为「${escapeHtml(q)}」的人员。</p>`,
    units.length
      ? `<p>名称含「${escapeHtml(q)}」的单位：</p><ul>${units.map((a) => `<li><a href="${agencyHref(a.id)}">${escapeHtml(a.name)}</a>的公示名单</li>`).join('')}</ul>`
      : '',
    `<p class="notice">未启用 JavaScript 时，这里只按完整姓名查找，不按地区、单位、状态筛选；按姓名的一部分、单位、岗位或编号末几位搜索需要 JavaScript。也${withoutSearchHtml}</p>`,
  ];
  return parts.join('');
}

/** The names one character off, as the page's script shows them: the summary, 「您要找的是不是：」, the first CLOSE_NAME_LIMIT, the note. */
function closeNamesHtml(q: string, close: PartEntry[], person: (c: NamedCertificate) => string): string {
  // Without JavaScript there are no filters to narrow the rest by.
  const text = closeNamesText(q, close.length, true, false);
  const listed = close.slice(0, CLOSE_NAME_LIMIT).map(([name, certificateNo, , agencyId]) => person({ name, certificateNo, agencyId }));
  return (
    `<p id="search-nojs-summary">${escapeHtml(text.summary)}</p>` +
    `<section id="search-nojs-close" aria-labelledby="search-nojs-close-title"><h2 id="search-nojs-close-title">您要找的是不是：</h2>` +
    `<ol class="results">${listed.join('')}</ol><p class="muted">${escapeHtml(text.note)}</p></section>`
  );
}
