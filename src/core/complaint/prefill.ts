/**
 * The answers a link to the form carries: the verify page's "投诉此人" (`?no=…`), the lookup page's "举报此编号"
 * (`?kind=report&no=…`) and an agency page's two links (`?agency=<id>`, `?agency=<id>&about=agency`). One reading
 * for the island (from location.search) and the functions (which serve the form filled in for a browser without
 * JavaScript). Browser-safe.
 */
export type Prefill = Partial<Record<'kind' | 'about' | 'certificateNo' | 'agencyId', string>>;

/** Whether a query asks for any prefill at all (otherwise the static page serves as it is). */
export function hasPrefill(params: URLSearchParams): boolean {
  return ['no', 'agency', 'kind'].some((name) => (params.get(name) ?? '').trim() !== '');
}

/**
 * `isAgency` guards the agency id; `listed` (when known) tells whether the number is on a roster, so that a
 * report of a listed number is about that person rather than a possible fake.
 */
export function prefillFrom(params: URLSearchParams, isAgency: (id: string) => boolean, listed?: (no: string) => boolean): Prefill {
  const out: Prefill = {};
  const agency = params.get('agency') ?? '';
  if (isAgency(agency)) {
    out.about = params.get('about') === 'agency' ? 'agency' : 'unit';
    out.agencyId = agency;
  }
  const no = (params.get('no') ?? '').trim().slice(0, 40);
  const kind = params.get('kind') === 'report' ? 'report' : params.get('kind') === 'complaint' ? 'complaint' : '';
  if (kind) out.kind = kind;
  if (no) {
    out.certificateNo = no;
    // From the lookup page's "not on the roster" (kind=report) the number is presumed unknown.
    out.about = kind === 'report' && !listed?.(no) ? 'unknownNumber' : 'auxiliary';
  }
  return out;
}
