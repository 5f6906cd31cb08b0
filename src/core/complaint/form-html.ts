import { escapeHtml } from '../text.ts';
import { groupByRegion } from '../registry/regions.ts';
import type { FieldErrors } from './schema.ts';
import { complaintFields, describeFiles, formWords, shownLabel, type FieldName, type InputRules } from './fields.ts';

/**
 * The plain HTML complaint form (works with no JavaScript). The static page renders it as the island's
 * fallback; the handler re-renders it with the input kept and GOV.UK-style errors after a bad no-JS post.
 * The React island uses the same field names.
 */
export interface CategoryGroup {
  title: string;
  /** null for the 其他 group. */
  regulationId: string | null;
  options: { code: string; label: string }[];
}

export interface AgencyChoice {
  id: string;
  name: string;
  region: string;
}

export interface FormOptions {
  values: Record<string, string>;
  errors: FieldErrors;
  categoryGroups: CategoryGroup[];
  /** Shown grouped by region (one <optgroup> each). */
  agencies: AgencyChoice[];
  /** The registry's regions, for 发生地区 (a number on no roster with no unit named). */
  regions: string[];
  /** Fresh per rendering when the server renders it (the static page has none). */
  idempotencyKey?: string;
  /** Evidence already uploaded and kept by the server (no-JS path): carried by its token, listed at the field. */
  keptEvidence?: { token: string; files: { name: string; size: number }[]; until: string };
}

export function fieldId(field: string): string {
  return `f-${field}`;
}

const e = escapeHtml;

export function renderErrorSummary(errors: FieldErrors): string {
  const entries = Object.entries(errors);
  if (!entries.length) return '';
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">${formWords.errorSummary(entries.length)}</h2>
<ul>${entries.map(([f, m]) => `<li><a href="#${summaryTarget(f)}">${e(m)}</a></li>`).join('')}</ul>
</div>`;
}

/** Where a summary link leads: the field, or for a question answered by radio buttons its first button (a fieldset takes no focus). */
function summaryTarget(field: string): string {
  const f = field === 'form' || field === 'request' ? 'kind' : field;
  return f === 'kind' || f === 'about' ? `${fieldId(f)}-first` : fieldId(f);
}

function errorOf(errors: FieldErrors, field: string): string {
  return errors[field]
    ? `<p class="field-error" id="${fieldId(field)}-error"><span class="visually-hidden">${formWords.errorPrefix}</span>${e(errors[field]!)}</p>`
    : '';
}

function describedBy(errors: FieldErrors, field: string, hint: boolean, extra = ''): string {
  const ids = [hint ? `${fieldId(field)}-hint` : '', extra, errors[field] ? `${fieldId(field)}-error` : ''].filter(Boolean);
  return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
}

/** aria-invalid on every control of a field with an error (each radio button of a question). */
function invalid(errors: FieldErrors, field: string): string {
  return errors[field] ? ' aria-invalid="true"' : '';
}

function radios(name: 'kind' | 'about', o: FormOptions): string {
  const spec = complaintFields[name];
  const value = o.values[name] ?? '';
  return `<fieldset class="field${o.errors[name] ? ' has-error' : ''}" id="${fieldId(name)}"${describedBy(o.errors, name, false)}>
<legend>${e(spec.legend!)}</legend>${errorOf(o.errors, name)}
${Object.entries(spec.choices!)
  .map(
    ([opt, words], i) =>
      `<label class="choice"><input type="radio" name="${name}" value="${opt}"${opt === value ? ' checked' : ''}${i === 0 ? ` id="${fieldId(name)}-first"` : ''}${invalid(o.errors, name)}> ${e(words)}</label>`,
  )
  .join('\n')}
</fieldset>`;
}

/** Input rules as HTML attributes. */
function attributes(rules: InputRules = {}): string {
  const out: string[] = [];
  if (rules.type && rules.type !== 'file') out.push(`type="${rules.type}"`);
  if (rules.autoComplete) out.push(`autocomplete="${rules.autoComplete}"`);
  if (rules.spellCheck === false) out.push('spellcheck="false"');
  if (rules.maxLength) out.push(`maxlength="${rules.maxLength}"`);
  return out.join(' ');
}

function labelled(name: FieldName, o: FormOptions, control: string): string {
  const hint = complaintFields[name].hint ?? '';
  return `<div class="field${o.errors[name] ? ' has-error' : ''}">
<label for="${fieldId(name)}">${e(shownLabel(name))}</label>
${hint ? `<p class="hint" id="${fieldId(name)}-hint">${e(hint)}</p>` : ''}${errorOf(o.errors, name)}
${control}
</div>`;
}

function input(name: FieldName, o: FormOptions): string {
  const spec = complaintFields[name];
  return labelled(
    name,
    o,
    `<input id="${fieldId(name)}" name="${name}" value="${e(o.values[name] ?? '')}" ${attributes(spec.rules)}${describedBy(o.errors, name, !!spec.hint)}${invalid(o.errors, name)}>`,
  );
}

export function renderComplaintForm(o: FormOptions): string {
  const v = (k: string) => o.values[k] ?? '';
  const agencyOptions = groupByRegion(o.agencies)
    .map(
      (g) =>
        `<optgroup label="${e(g.region)}">${g.agencies
          .map((a) => `<option value="${e(a.id)}"${a.id === v('agencyId') ? ' selected' : ''}>${e(a.name)}</option>`)
          .join('')}</optgroup>`,
    )
    .join('');
  const regionOptions = o.regions.map((r) => `<option value="${e(r)}"${r === v('region') ? ' selected' : ''}>${e(r)}</option>`).join('');
  const categoryOptions = o.categoryGroups
    .map(
      (g) =>
        `<optgroup label="${e(g.title)}">${g.options
          .map((c) => `<option value="${e(c.code)}"${c.code === v('category') ? ' selected' : ''}>${e(c.label)}</option>`)
          .join('')}</optgroup>`,
    )
    .join('');
  const rules = (name: FieldName) => complaintFields[name].rules ?? {};
  const select = (name: 'agencyId' | 'region' | 'category', options: string) =>
    `<select id="${fieldId(name)}" name="${name}"${describedBy(o.errors, name, true)}${invalid(o.errors, name)}><option value="">${formWords.choose}</option>${options}</select>`;
  const kept = o.keptEvidence;
  const keptNote = kept
    ? `<p class="hint" id="${fieldId('evidence')}-kept">${e(formWords.keptEvidence(describeFiles(kept.files), kept.until))}</p><input type="hidden" name="evidenceDraft" value="${e(kept.token)}">`
    : '';
  return `<form class="complaint-form" method="post" action="/api/complaints" enctype="multipart/form-data" novalidate>
${renderErrorSummary(o.errors)}
${radios('kind', o)}
${radios('about', o)}
${input('certificateNo', o)}
${labelled('agencyId', o, select('agencyId', agencyOptions))}
${labelled('region', o, select('region', regionOptions))}
${labelled('category', o, select('category', categoryOptions))}
${input('when', o)}
${input('place', o)}
${labelled('description', o, `<textarea id="${fieldId('description')}" name="description" rows="${rules('description').rows}" maxlength="${rules('description').maxLength}"${describedBy(o.errors, 'description', true)}${invalid(o.errors, 'description')}>${e(v('description'))}</textarea>`)}
${labelled('evidence', o, `${keptNote}<input id="${fieldId('evidence')}" name="evidence" type="file" multiple accept="${rules('evidence').accept}"${describedBy(o.errors, 'evidence', true, kept ? `${fieldId('evidence')}-kept` : '')}${invalid(o.errors, 'evidence')}>`)}
<fieldset class="field"><legend>${formWords.contactLegend}</legend>
<p class="hint">${formWords.contactHint}</p>
${input('name', o)}
${input('phone', o)}
${input('email', o)}
</fieldset>
<div class="hp" aria-hidden="true"><label>${formWords.honeypot} <input type="text" name="website" tabindex="-1" autocomplete="off" value=""></label></div>
${o.idempotencyKey ? `<input type="hidden" name="idempotencyKey" value="${e(o.idempotencyKey)}">` : ''}
<button type="submit" class="btn btn-plain">${formWords.toCheck}</button>
</form>`;
}
