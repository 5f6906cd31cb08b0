import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { agencyChoices, categoryGroups } from '../../src/core/complaint/choices.ts';
import { renderComplaintForm } from '../../src/core/complaint/form-html.ts';
import { hasPrefill, prefillFrom } from '../../src/core/complaint/prefill.ts';
import { regionsOf } from '../../src/core/complaint/superior.ts';
import { parseHeadersFile } from '../../src/core/security-headers.ts';
import type { FunctionHandler } from '../server/node.ts';
import type { World } from './world.ts';

/**
 * `/complaint/?no=…` (and `?agency=…`, `?kind=…`) for a browser without JavaScript: the built form page with its
 * plain form filled in from the link, so the number from a verify page arrives in the field. The page is the build's
 * own `complaint/index.html` (the island still reads the query itself when scripts run) with the build's headers, so
 * nothing but the plain form differs. The serverless config rewrites these addresses to `/api/complaint-form`.
 * Without a query the static file is served as it is.
 */
export const COMPLAINT_FORM_PATH = '/api/complaint-form';
const FORM = /<form class="complaint-form"[\s\S]*?<\/form>/g;

interface BuiltPage {
  from: string;
  html: string;
  headers: Record<string, string>;
}

export function complaintFormPage(world: Pick<World, 'directory'>, outDir: string): FunctionHandler {
  let built: BuiltPage | undefined;
  const page = async (): Promise<BuiltPage> => {
    // The output folder is a link switched to each new build: read again when it points elsewhere.
    const from = await realpath(outDir);
    if (built?.from !== from) {
      const [html, headers] = await Promise.all([readFile(join(from, 'complaint', 'index.html'), 'utf8'), readFile(join(from, '_headers'), 'utf8')]);
      built = { from, html, headers: parseHeadersFile(headers) };
    }
    return built;
  };
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const url = new URL(request.url);
    const isForm = url.pathname === '/complaint/' || url.pathname === '/complaint' || url.pathname === COMPLAINT_FORM_PATH;
    if (!isForm) return undefined;
    if (!hasPrefill(url.searchParams)) {
      return url.pathname === COMPLAINT_FORM_PATH ? new Response(null, { status: 302, headers: { location: '/complaint/' } }) : undefined;
    }
    const { directory } = world;
    const values = prefillFrom(
      url.searchParams,
      (id) => !!directory.agency(id),
      (no) => !!directory.auxiliary(no),
    );
    const form = renderComplaintForm({
      values,
      errors: {},
      categoryGroups: categoryGroups(directory),
      agencies: agencyChoices(directory),
      regions: regionsOf(directory),
    });
    const { html, headers } = await page();
    return new Response(
      html.replace(FORM, () => form),
      { status: 200, headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=60' } },
    );
  };
}
