import { latestRosterDate, type Directory, type ListedCertificate } from '../../src/core/directory.ts';
import {
  coverageSectionHtml,
  foreignFoundHtml,
  looksLikeName,
  nameMismatchHtml,
  notFoundHtml,
  notFoundTitle,
  searchHref,
  typedNameDiffers,
  verifyHref,
  type ForeignLink,
  type SuggestedNumber,
} from '../../src/core/lookup-html.ts';
import { foreignLinkHost, lookupCandidates, MAX_PASTED_LENGTH, numberFromPastedText } from '../../src/core/lookup-input.ts';
import { suggestionIndex, type SuggestionIndex } from '../../src/core/number-suggest.ts';
import { pageHtml } from '../../src/core/frame.ts';
import { formatDate, NAME_WITHHELD } from '../../src/core/labels.ts';
import type { FunctionHandler } from './node.ts';

/**
 * Numbers as people type them, answered by the functions so that it works without JavaScript and in both
 * deployments:
 * - `/verify/<any spelling>/…` whose lookup key is a listed number → redirect to the number's own address
 *   (case, full-width, spaces, dashes and other separators do not matter); the number's own address is left to
 *   the static files, and without its trailing slash is redirected to it; a number that is not listed → the lookup's not-found answer (never a bare 404);
 * - `/lookup/?no=…` (and `/api/lookup?no=…`, which the serverless config rewrites it to) → the verification page,
 *   search for a name, or the not-found answer with up to 3 close listed numbers; JSON when asked for
 *   (`Accept: application/json`), which the built lookup page uses on a static-only host. The not-found page says
 *   what the built one says: the roster's date (「截至 …」) and which agencies the site covers, 辅警 not among them.
 *   What was typed is read by numberFromPastedText: a pasted `…/verify/<number>/` link or a labelled number
 *   (「证件编号：…」) is looked up by the number it carries; a link to another host than the one asked gets the
 *   foreign-link hint, and when its number is listed a page with the hint and a link instead of the redirect
 *   (this site's hosts: the one asked, and `siteUrl`'s when given, which the QR codes carry). A name typed with
 *   a listed number (「张三 LA-CG-00001」) that is not the holder's published name gets a page that says so instead.
 */
export function lookupFunctions(currentDirectory: () => Directory, siteUrl?: string): FunctionHandler {
  // A pasted link to SITE_URL's host (what the QR codes carry) is this site's even when reached under another name.
  const qrHost = siteUrl ? hostnameOf(siteUrl) : undefined;
  // Prepared on first use, and again when a new build's directory replaces the one it was made from.
  let prepared: { from: Directory; index: SuggestionIndex<ListedCertificate>; notFound: NotFoundParts } | undefined;
  const prepare = (directory: Directory) => {
    if (prepared?.from !== directory) prepared = { from: directory, index: suggestionIndex(directory.certificates()), notFound: notFoundParts(directory) };
    return prepared;
  };

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const url = new URL(request.url);
    const directory = currentDirectory();
    const verify = /^\/verify\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (verify) return verifyAddress(directory, decode(verify[1]!), verify[2] ?? '', url.search);
    if (url.pathname === '/lookup/' || url.pathname === '/lookup' || url.pathname === '/api/lookup') {
      const typed = (url.searchParams.get('no') ?? '').slice(0, MAX_PASTED_LENGTH);
      if (!typed.trim()) return url.pathname === '/api/lookup' ? redirect('/lookup/') : undefined;
      return lookup(directory, typed, [url.hostname, qrHost], () => prepare(directory), wantsJson(request));
    }
    return undefined;
  };
}

function verifyAddress(directory: Directory, segment: string | undefined, rest: string, search: string): Response | undefined {
  if (segment === undefined) return undefined;
  const aux = directory.auxiliary(segment);
  if (aux) {
    // The page's own address without its trailing slash: sent to the folder address here rather than left to
    // the host, whose rule for that differs between deployments (Netlify's depends on its "pretty URLs" setting).
    if (aux.certificateNo === segment) return rest === '' ? redirect(`${verifyHref(aux.certificateNo)}${search}`) : undefined;
    return redirect(`${verifyHref(aux.certificateNo)}${rest.replace(/^\//, '')}${search}`);
  }
  // Only the page itself is sent to the lookup; files under an unknown number stay 404.
  return rest === '' || rest === '/' ? redirect(`/lookup/?no=${encodeURIComponent(segment)}`) : undefined;
}

/** What the not-found page says of the whole directory: the roster's date and the coverage section. */
interface NotFoundParts {
  asOf: string;
  coverage: string;
}

/** As the built /lookup/ page: the newest roster date, and the agencies with a published roster with each text's scope. */
function notFoundParts(directory: Directory): NotFoundParts {
  const listed = new Set<string>();
  for (const c of directory.certificates()) listed.add(c.agencyId);
  const latest = latestRosterDate(directory);
  return {
    asOf: formatDate(latest),
    coverage: coverageSectionHtml({
      agencies: directory.agencies.filter((a) => listed.has(a.id)),
      regulations: directory.regulations,
      dated: latest !== undefined,
    }),
  };
}

function lookup(
  directory: Directory,
  typed: string,
  siteHosts: [string, string | undefined],
  prepared: () => { index: SuggestionIndex<ListedCertificate>; notFound: NotFoundParts },
  json: boolean,
): Response {
  const input = numberFromPastedText(typed);
  const host = foreignLinkHost(input, siteHosts);
  const foreign: ForeignLink | undefined = host === undefined ? undefined : { host, siteHost: siteHosts[0] };
  const extra = foreign ? { foreignHost: foreign.host } : {};
  const aux = lookupCandidates(typed, input)
    .map((candidate) => directory.auxiliary(candidate))
    .find((found) => found !== undefined);
  if (aux) {
    const href = verifyHref(aux.certificateNo);
    // A name typed with the number that is not the holder's: said on a page of its own, not hidden by the redirect
    // (unless the text as typed, Han and all, is the listed number).
    const typedName = input.name !== undefined && directory.auxiliary(typed) === undefined ? input.name : undefined;
    const nameDiffers = typedNameDiffers(typedName, aux.name === NAME_WITHHELD ? '' : aux.name);
    if (json) return jsonResponse({ found: aux.certificateNo, href, ...extra, ...(nameDiffers ? { nameDiffers } : {}) });
    if (foreign) return page('请核对链接地址', foreignFoundHtml(aux.certificateNo, foreign));
    return nameDiffers ? page('请核对姓名', nameMismatchHtml(aux.certificateNo, typedName!)) : redirect(href, 303);
  }
  // Only text typed as such can be a name: a link's segment or a labelled text with a digit is a number.
  if (input.source === 'typed' && looksLikeName(input.number)) {
    return json ? jsonResponse({ search: searchHref(input.number) }) : redirect(searchHref(input.number), 303);
  }
  const { index, notFound } = prepared();
  const suggestions: SuggestedNumber[] = index.suggest(input.number).map(({ entry }) => ({
    no: entry.certificateNo,
    agency: directory.agency(entry.agencyId)?.name ?? entry.agencyId,
  }));
  if (json) return jsonResponse({ found: null, number: input.number, suggestions, ...extra });
  return page(notFoundTitle(suggestions), `${notFoundHtml(input.number, suggestions, notFound.asOf, foreign)}<div id="nf-coverage">${notFound.coverage}</div>`);
}

function page(title: string, body: string): Response {
  return new Response(pageHtml(title, undefined, body), {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'public, max-age=300',
      vary: 'Accept',
      'x-robots-tag': 'noindex',
    },
  });
}

function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// 302/303, not 301: a spelling's target changes when the roster does, so browsers must not keep it for good.
// Every answer may be kept by a shared cache, and the same address answers JSON or a page by Accept: Vary says so,
// or a cache could hand the lookup page's JSON request a page (and it would show no suggestions).
function redirect(location: string, status = 302): Response {
  return new Response(null, { status, headers: { location, 'cache-control': 'public, max-age=300', vary: 'Accept' } });
}

function jsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', vary: 'Accept' },
  });
}
