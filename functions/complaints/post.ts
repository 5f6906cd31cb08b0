import { randomUUID } from 'node:crypto';
import { type ComplaintInput, complaintInputSchema, type FieldErrors, sortErrors, toFieldErrors } from '../../src/core/complaint/schema.ts';
import type { RequestContext } from '../server/node.ts';
import type { Target } from '../store/records/shapes.ts';
import { parseBody } from './body.ts';
import { whenInFuture } from '../../src/core/complaint/rules.ts';
import { readCertificateNo } from '../../src/core/complaint/certificate-no.ts';
import { intakeErrors } from './errors.ts';
import { type EvidenceFile, readEvidence } from './evidence.ts';
import { isDraftToken, type KeptEvidence, keepEvidence, keptEvidence } from './drafts.ts';
import { evidenceMessages, formWords } from '../../src/core/complaint/fields.ts';
import { html, json, wantsHtml as wantsPage } from './responses.ts';
import { isStoreUnavailable } from '../server/headers.ts';
import { errorKind, logLine } from '../server/log.ts';
import { checkPage, confirmationPage, formPage, limitedPage, problemPage, unsavedPage } from './pages.ts';
import { powOk, type Receipt, resolveTarget, submitComplaint } from './submit.ts';
import { mailHost, type World } from './world.ts';
import type { RateLimiter } from './rate.ts';

/**
 * `POST /api/complaints`, in four named steps: parse (rate limit, body, honeypot) → validate (schema, evidence,
 * proof of work, the directory's checks) → submit (store durably, or show the no-JS check page first) → render (the
 * outcome as JSON or as a page). Each step returns an Outcome; only render turns one into a Response.
 */
type Outcome =
  | { kind: 'refused'; status: number; errors: FieldErrors; values: Record<string, string>; uploaded?: Uploaded }
  /** Over the rate limit: `seconds` until the client may post again; a small no-JS post's answers come back. */
  | { kind: 'rate-limited'; seconds: number; values?: Record<string, string>; filesLost?: boolean }
  | { kind: 'edit'; values: Record<string, string> }
  | { kind: 'check'; values: Record<string, string>; target: Target; kept: KeptEvidence | undefined }
  | { kind: 'conflict' }
  | { kind: 'unsaved'; values: Record<string, string>; filesLost: boolean }
  | { kind: 'stored'; receipt: Receipt; input: ComplaintInput };

/** The files sent with a post, as readEvidence found them: a refused post keeps them for its re-rendered no-JS form. */
type Uploaded = Awaited<ReturnType<typeof readEvidence>>;

interface Parsed {
  values: Record<string, string>;
  fields: Record<string, unknown>;
  files: Parameters<typeof readEvidence>[0];
  /** The host name the request reached this site at: a pasted link to it is this site's. */
  host: string;
}

interface Valid {
  values: Record<string, string>;
  input: ComplaintInput;
  target: Target;
  regulationId: string | null;
  evidence: EvidenceFile[];
  /** The evidence came from the files kept for the no-JS check page. */
  kept: KeptEvidence | undefined;
}

export async function post(world: World, request: Request, context: RequestContext, limiter: RateLimiter): Promise<Response> {
  const wantsHtml = wantsPage(request);
  const parsed = await parse(world, request, context, limiter, wantsHtml);
  try {
    // 修改 reads the kept files' names from the store too.
    if ('kind' in parsed) return await render(world, parsed, wantsHtml);
    const valid = await validate(world, parsed);
    if ('kind' in valid) return await render(world, valid, wantsHtml);
    return await render(world, await submit(world, valid, wantsHtml), wantsHtml);
  } catch (error) {
    // The store could not be reached (kept files, the insert): nothing was stored; the answers are handed back.
    if (!isStoreUnavailable(error)) throw error;
    (world.log ?? logLine)(`[complaints] POST /api/complaints store unavailable: ${errorKind(error)}`);
    const values = ('values' in parsed ? parsed.values : undefined) ?? {};
    const filesLost = 'files' in parsed && parsed.files.some((f) => f.size > 0);
    return render(world, { kind: 'unsaved', values, filesLost }, wantsHtml);
  }
}

/** parse: the request's rate, body and honeypot; the answers as typed (kept for a re-rendered form). */
async function parse(world: World, request: Request, context: RequestContext, limiter: RateLimiter, wantsHtml: boolean): Promise<Parsed | Outcome> {
  const wait = limiter.take(context.clientAddress, world.clock.now().getTime());
  if (wait !== undefined) return limited(world, request, wait, wantsHtml);
  const body = await parseBody(request, { body: world.limits.maxBodyBytes, multipart: world.limits.maxMultipartBytes });
  // A refusal about one field (too many evidence files) names it for the island; a page says it as the request's.
  if (!body.ok) return { kind: 'refused', status: body.status, errors: { [wantsHtml ? 'request' : (body.field ?? 'request')]: body.message }, values: {} };
  const values = textValues(body.fields);
  // Honeypot: a bot filled the hidden field. Answer as if refused, store nothing.
  if (honeypotFilled(body.fields)) {
    return { kind: 'refused', status: 400, errors: { website: intakeErrors.Honeypot.message }, values };
  }
  // No-JS check-your-answers page: 修改 brings the form back with the answers kept. It submits nothing: no token.
  if (wantsHtml && values.edit === '1') {
    limiter.refund(context.clientAddress);
    return { kind: 'edit', values };
  }
  // The key may come as the `Idempotency-Key` header (API clients) or the hidden form field (forms).
  const headerKey = request.headers.get('idempotency-key');
  const fields = headerKey && !body.fields.idempotencyKey ? { ...body.fields, idempotencyKey: headerKey } : body.fields;
  return { values, fields, files: body.files, host: new URL(request.url).hostname };
}

/**
 * A post over the rate limit. JSON (island, API clients): 429 as before. A plain form post's body is read only when
 * it is small (at most the JSON/urlencoded cap, declared or counted: the check page's 确认提交/修改 and 重新提交 send a
 * few KB; a form with photos is larger and is not read) and nothing in it is checked or stored: 修改 brings the form
 * back (it submits nothing), any other post gets its answers back to send again after the wait. A larger or
 * unreadable body: the wait, and the browser's Back button (docs/COMPLAINTS.md, "Abuse and limits").
 */
async function limited(world: World, request: Request, waitMs: number, wantsHtml: boolean): Promise<Outcome> {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  if (!wantsHtml) return { kind: 'rate-limited', seconds };
  const cap = world.limits.maxBodyBytes;
  if (Number(request.headers.get('content-length') ?? 0) > cap) return { kind: 'rate-limited', seconds };
  const body = await parseBody(request, { body: cap, multipart: cap });
  if (!body.ok || honeypotFilled(body.fields)) return { kind: 'rate-limited', seconds };
  const values = textValues(body.fields);
  if (values.edit === '1') return { kind: 'edit', values };
  return { kind: 'rate-limited', seconds, values, filesLost: body.files.some((f) => f.size > 0) };
}

/** The posted text answers, as typed (a re-rendered form shows them again). */
function textValues(fields: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') values[k] = v;
  return values;
}

/** The hidden field only a bot fills in. */
const honeypotFilled = (fields: Record<string, unknown>) => typeof fields.website === 'string' && fields.website.trim() !== '';

/** validate: the one schema, the evidence, the proof of work, a date not in the future, then the directory's checks. */
async function validate(world: World, parsed: Parsed): Promise<Valid | Outcome> {
  const { values } = parsed;
  const number = readNumberField(world, parsed);
  // The re-rendered form and the no-JS check page show, and carry on, the number read; a refused link stays as pasted.
  if ('certificateNo' in number) values.certificateNo = number.certificateNo;
  const input = complaintInputSchema.safeParse('certificateNo' in number ? { ...parsed.fields, certificateNo: number.certificateNo } : parsed.fields);
  const uploaded = await readEvidence(parsed.files);
  const errors: FieldErrors = input.success ? {} : toFieldErrors(input.error.issues);
  if ('error' in number) errors.certificateNo = number.error;
  let evidence: EvidenceFile[] = [];
  let kept: KeptEvidence | undefined;
  if ('error' in uploaded) errors.evidence = uploaded.error;
  else if (uploaded.files.length) {
    // Files chosen again replace the kept ones.
    evidence = uploaded.files;
    delete values.evidenceDraft;
  } else if (values.evidenceDraft) {
    kept = await keptEvidence(world, values.evidenceDraft);
    if (kept) evidence = kept.files;
    else {
      errors.evidence = evidenceMessages.draftGone;
      delete values.evidenceDraft;
    }
  }
  if (input.success && !powOk(input.data.idempotencyKey, input.data.pow, world.limits.powBits)) {
    errors.pow = intakeErrors.ProofOfWorkMissing.message;
  }
  // With the other errors, not after them: a date well formed but in the future is said at once.
  if (!errors.when && whenInFuture((values.when ?? '').trim(), world.clock.now())) errors.when = intakeErrors.WhenInFuture.message;
  if (!input.success || Object.keys(errors).length) return { kind: 'refused', status: 400, errors: sortErrors(errors), values, uploaded };
  const resolved = resolveTarget(input.data, world);
  if ('errors' in resolved) return { kind: 'refused', status: 422, errors: resolved.errors, values, uploaded };
  return { values, input: input.data, target: resolved.target, regulationId: resolved.regulationId, evidence, kept };
}

/**
 * The number field as the lookup box reads it (a pasted QR link or labelled number → the number), before the schema
 * checks it: what is checked, hashed (fingerprint.ts) and stored is the number. A link to another site than this one
 * (the host asked, or SITE_URL's) is the field's error. Nothing to read (absent, or not text: the schema says so) → {}.
 */
function readNumberField(world: World, parsed: Parsed): ReturnType<typeof readCertificateNo> | Record<string, never> {
  const typed = parsed.fields.certificateNo;
  if (typeof typed !== 'string') return {};
  return readCertificateNo(typed, [parsed.host, mailHost(world.settings.siteUrl)], (no) => world.directory.auxiliary(no) !== undefined);
}

/**
 * submit: a plain form post is first shown its answers to check (the island has its own check step); its files are
 * kept in the store meanwhile (drafts.ts) and named on that page. Stored means committed: only then 201.
 */
async function submit(world: World, valid: Valid, wantsHtml: boolean): Promise<Outcome> {
  if (wantsHtml && valid.values.confirm !== '1') {
    const kept = valid.kept ?? (valid.evidence.length ? await keepEvidence(world, valid.evidence) : undefined);
    return { kind: 'check', values: valid.values, target: valid.target, kept };
  }
  const receipt = await submitComplaint(world, valid.input, valid.target, valid.regulationId, valid.evidence);
  if ('conflict' in receipt) return { kind: 'conflict' };
  return { kind: 'stored', receipt, input: valid.input };
}

/** render: the outcome as the JSON the island and API clients read, or as the page a no-JS form post gets. */
async function render(world: World, outcome: Outcome, wantsHtml: boolean): Promise<Response> {
  switch (outcome.kind) {
    case 'rate-limited': {
      if (!wantsHtml) return json(429, { errors: { request: intakeErrors.RateLimited.message } }, { 'retry-after': '60' });
      const { seconds, values } = outcome;
      const response = html(429, limitedPage(seconds, values && { values, idempotencyKey: keyFor(values), filesLost: outcome.filesLost === true }));
      response.headers.set('retry-after', String(seconds));
      return response;
    }
    case 'refused': {
      const { status, errors, values } = outcome;
      if (!wantsHtml) return json(status, { errors, ...(errors.pow ? { powBits: world.limits.powBits } : {}) });
      if (errors.request) return html(status, problemPage(status, errors.request));
      // A plain form cannot hand files back: the ones sent are kept as for the check page, or the message says they were not.
      const { uploaded } = outcome;
      const sent = uploaded && 'files' in uploaded ? uploaded.files : [];
      const kept = sent.length ? await keepEvidence(world, sent) : await keptFor(world, values);
      const shown = uploaded && 'error' in uploaded ? { ...errors, evidence: uploaded.error + formWords.filesAgain } : errors;
      return html(status, formPage(world.directory, values, shown, keyFor(values), kept));
    }
    case 'edit':
      return html(200, formPage(world.directory, outcome.values, {}, keyFor(outcome.values), await keptFor(world, outcome.values)));
    case 'check':
      return html(200, checkPage(world.directory, outcome.values, outcome.target, keyFor(outcome.values), outcome.kept));
    case 'unsaved': {
      if (!wantsHtml) return json(503, { errors: { request: intakeErrors.StoreUnavailable.message } }, { 'retry-after': '30' });
      // A no-JS post gets its answers back as a form to send again (same key: stored once, however often it is sent).
      const response = html(503, unsavedPage(outcome.values, keyFor(outcome.values), outcome.filesLost));
      response.headers.set('retry-after', '30');
      return response;
    }
    case 'conflict': {
      const message = intakeErrors.IdempotencyConflict.message;
      return wantsHtml ? html(409, problemPage(409, message)) : json(409, { errors: { idempotencyKey: message } });
    }
    case 'stored': {
      const { receipt, input } = outcome;
      const status = receipt.repeated ? 200 : 201;
      const agencyName = world.directory.agency(receipt.agencyId)?.name ?? '';
      if (!wantsHtml) {
        return json(
          status,
          { reference: receipt.reference, trackingCode: receipt.trackingCode, agencyName, ackQueued: receipt.ackQueued },
          { 'x-reference': receipt.reference },
        );
      }
      const anonymous = input.kind === 'report' && !input.name && !input.phone && !input.email;
      const response = html(
        status,
        confirmationPage(input.kind, receipt.reference, receipt.trackingCode, agencyName, anonymous, { emailGiven: !!input.email, queued: receipt.ackQueued }),
      );
      response.headers.set('x-reference', receipt.reference);
      return response;
    }
  }
}

/** The files kept for a re-rendered no-JS form, when its hidden token still names some. */
async function keptFor(world: World, values: Record<string, string>): Promise<KeptEvidence | undefined> {
  return isDraftToken(values.evidenceDraft) ? keptEvidence(world, values.evidenceDraft) : undefined;
}

/** The form's idempotency key, kept across re-renders so the same submission keeps its key. */
function keyFor(values: Record<string, string>): string {
  return values.idempotencyKey && /^[A-Za-z0-9_-]{8,80}$/.test(values.idempotencyKey) ? values.idempotencyKey : randomUUID();
}
