import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { type abouts, complaintInputSchema, kindLabels, limits, sortErrors, toFieldErrors, type FieldErrors } from '../core/complaint/schema.ts';
import { aboutChoices, complaintFields, confirmationWords, evidenceMessages, formWords, shownLabel, type FieldName } from '../core/complaint/fields.ts';
import { fieldId, type CategoryGroup } from '../core/complaint/form-html.ts';
import { prefillFrom } from '../core/complaint/prefill.ts';
import { SNIFF_BYTES, sniffType } from '../core/complaint/evidence-type.ts';
import { answerMessages, beijingToday, categoryProblem, whenInFuture } from '../core/complaint/rules.ts';
import { readCertificateNo } from '../core/complaint/certificate-no.ts';
import { groupByRegion } from '../core/registry/regions.ts';
import { lookupAuxiliary, statusWords, type FoundAuxiliary } from './complaint/lookup.ts';
import { solvePow } from './complaint/pow.ts';
import { submissionBody } from './complaint/submission-body.ts';

/**
 * The complaint form with JavaScript: the same fields and names as the plain HTML form (its no-JS fallback),
 * checked with the same zod schema as the handler; GOV.UK-style error summary that takes focus, a message at
 * each field, a check-your-answers step, and the confirmation with reference and tracking code.
 */
interface Props {
  /** Shards of the static number index (the portal's /lookup/k/), for numbers typed without dashes. */
  shardCount: number;
  categoryGroups: CategoryGroup[];
  /** noSuperior: why a complaint about this body itself cannot be taken here (the handler refuses it likewise). */
  agencies: { id: string; name: string; region: string; regulation: string; noSuperior?: string }[];
  /** The registry's regions, for 发生地区 when a number is on no roster and no unit is named. */
  regions: string[];
  /** SITE_URL's host, which the badges' QR links carry: a pasted link to it (or to the page's own host) is this site's. */
  qrHost?: string;
}

type Step = 'form' | 'check' | 'sending' | 'done';

const initialValues = {
  kind: '',
  about: '',
  certificateNo: '',
  agencyId: '',
  region: '',
  category: '',
  when: '',
  place: '',
  description: '',
  name: '',
  phone: '',
  email: '',
  website: '',
};
/**
 * NAME_WITHHELD of src/core/labels.ts, written out: importing it would load that module as a chunk of its own
 * (the status lookup shares it), about 1.8 KB more on the complaint page's tight script budget.
 */
const NAME_WITHHELD = '（姓名已不再公示）';
type Values = typeof initialValues;
type Field = keyof Values;
/** The element that takes focus for a field: a radio question's first radio (a fieldset cannot), else the field. */
const focusId = (field: string) => fieldId(field) + (field === 'kind' || field === 'about' ? '-first' : '');

/** An error summary link, as GOV.UK's: the question (legend or label) scrolled into view, its control focused. */
function jump(event: { currentTarget: HTMLAnchorElement; preventDefault(): void }) {
  const control = document.getElementById(event.currentTarget.hash.slice(1)) as HTMLInputElement | null;
  if (!control) return;
  event.preventDefault();
  const question = control.type === 'radio' ? control.closest('fieldset')?.querySelector('legend') : document.querySelector(`label[for="${control.id}"]`);
  (question ?? control).scrollIntoView();
  control.focus({ preventScroll: true });
}

/**
 * The text answers kept in this tab's sessionStorage while the form is filled in, so that a reload on a flaky phone
 * loses nothing typed (docs/COMPLAINTS.md, "The form"): never the files, the contact details or the honeypot; only for
 * the same address (a complaint opened from another person's link starts afresh) and for an hour after the last change;
 * removed once the complaint is submitted.
 */
const DRAFT = 'complaint-draft';
const DRAFT_MS = 3_600_000;
const keptInDraft = (name: string) => !['name', 'phone', 'email', 'website'].includes(name);
function readDraft(): Partial<Values> {
  try {
    const draft = JSON.parse(sessionStorage.getItem(DRAFT) ?? '{}');
    if (draft.at === location.search && Date.now() - draft.t < DRAFT_MS) return draft.v;
    sessionStorage.removeItem(DRAFT);
  } catch {
    // No storage (private mode, storage off) or a draft not of this form: nothing to restore.
  }
  return {};
}
function keepDraft(values: Values | null) {
  try {
    if (!values) sessionStorage.removeItem(DRAFT);
    else {
      const v = Object.fromEntries(Object.entries(values).filter(([name]) => keptInDraft(name)));
      sessionStorage.setItem(DRAFT, JSON.stringify({ at: location.search, t: Date.now(), v }));
    }
  } catch {
    // Storage full or off: the form works as before, only a reload loses the answers.
  }
}
/** The check step has an entry of its own in the tab's history: the phone's Back returns from it to the form. */
const atCheck = () => !!history.state?.complaintCheck;

/** What was typed or chosen in the plain form (every value but the honeypot and the files). */
function typedIn(form: HTMLFormElement | null): Partial<Values> {
  const typed: Partial<Values> = {};
  for (const [name, value] of form ? new FormData(form) : []) {
    if (name in initialValues && name !== 'website' && typeof value === 'string' && value) typed[name as Field] = value;
  }
  return typed;
}

/**
 * On a slow phone the plain form (the island's `client:only` fallback) is usable long before this script arrives, and
 * the island takes over everything done in it. Its first render reads the answers; React then renders in slices (Astro
 * starts it as a transition) while keys still reach the plain form, and on committing takes that form off the page:
 * the form keeps its values, files and carets, but the page loses its focus. So the field last focused is followed from
 * here on, and what is typed, chosen and focused is read again when React commits (below).
 */
function takeOver(): { form: HTMLFormElement | null; focused: Element | null } {
  const form = document.querySelector<HTMLFormElement>('form.complaint-form');
  const plain = { form, focused: document.activeElement };
  form?.addEventListener('focusin', (e) => (plain.focused = e.target as Element));
  return plain;
}

export default function ComplaintForm({ shardCount, categoryGroups, agencies, regions, qrHost }: Props) {
  const [plain] = useState(takeOver);
  // Prefilled from the verify page's "投诉此人" link, the lookup page's "举报此编号" and an agency page's two links
  // (src/core/complaint/prefill.ts, the same reading the functions use for a browser without JavaScript), in the first
  // render: the plain form the functions filled in never gives way to an empty one. The lookup below switches a
  // reported number to the person if it is on the roster after all.
  const [values, setValues] = useState<Values>(() => ({
    ...initialValues,
    ...prefillFrom(new URLSearchParams(location.search), (id) => agencies.some((a) => a.id === id)),
    ...readDraft(),
    ...typedIn(plain.form),
  }));
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [step, setStep] = useState<Step>('form');
  const [found, setFound] = useState<FoundAuxiliary | null | undefined>(undefined);
  // Why 确认提交 did not get through (no network, or the server failed): the check step says so, heading and message.
  const [failed, setFailed] = useState<[string, string] | undefined>();
  const [receipt, setReceipt] = useState<{ reference: string; trackingCode: string; agencyName: string; ackQueued?: boolean } | undefined>();
  const idempotencyKey = useRef<string>('');
  const summaryRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The answer whose 修改 was pressed on the check step: its field takes focus back on the form.
  const changing = useRef('');
  // Stands in for the island when the plain form was already sent before the script arrived (the page's inline
  // script marks it): the browser is on its way to the check page, so the plain form stays as it is.
  const standIn = useRef<HTMLDivElement>(null);
  if (!idempotencyKey.current) idempotencyKey.current = crypto.randomUUID();

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the island replaces the plain form
  useLayoutEffect(() => {
    const { form } = plain;
    if (!form) return;
    standIn.current?.append(form);
    setValues((v) => ({ ...v, ...typedIn(form) }));
    // The chosen files, in the island's state (its checks apply to them) and shown by its own file field.
    const chosen = form.querySelector<HTMLInputElement>('[type=file]')!.files!;
    setFiles([...chosen]);
    (document.getElementById(fieldId('evidence')) as HTMLInputElement).files = chosen;
    const was = plain.focused as HTMLInputElement;
    try {
      // The same field in the island: by name, a radio button by its value too (the submit button has no name).
      const el = document.querySelector<HTMLInputElement>(
        `.complaint-form ${was.name ? `[name=${was.name}]${was.type === 'radio' ? `[value=${was.value}]` : ''}` : `[type=${was.type}]`}`,
      )!;
      el.focus();
      // Keys pressed while React rendered are in the plain field only: the island's gets its value here, so React,
      // finding it already there, leaves the caret where it is put now.
      if (was.selectionStart != null) {
        el.value = was.value;
        el.setSelectionRange(was.selectionStart, was.selectionEnd, was.selectionDirection!);
      }
    } catch {
      // Nothing in the form had focus, or the island does not show that field.
    }
  }, []);

  // The number as the handler reads the field (a QR link or a labelled number typed key by key stays in the field),
  // or why it is refused (a link to another site).
  const numberShown = values.about === 'auxiliary' || values.about === 'unknownNumber';
  const reading = useMemo(() => readCertificateNo(values.certificateNo, [location.hostname, qrHost]), [values.certificateNo, qrHost]);
  const number = 'certificateNo' in reading ? reading.certificateNo.trim() : '';

  // Show whom a certificate number belongs to, for confirmation.
  // biome-ignore lint/correctness/useExhaustiveDependencies: looks up again only when the number or the choice changes
  useEffect(() => {
    const typed = values.certificateNo.trim();
    if (!number || !numberShown) {
      setFound(undefined);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      // As the handler: a listed number that begins like a label (「NO.2024-0099」) is the one meant.
      lookupAuxiliary(typed, shardCount, abort.signal)
        .then((aux) => aux ?? (number === typed ? undefined : lookupAuxiliary(number, shardCount, abort.signal)))
        .then((aux) => {
          setFound(aux ?? null);
          if (aux) setValues((v) => (v.about === 'unknownNumber' ? { ...v, about: 'auxiliary' } : v));
        })
        .catch(() => undefined);
    }, 300);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [number, values.about]);

  // The page's title starts with 错误： while errors are shown, as the no-JS form's page does.
  const pageTitle = useRef('');
  useEffect(() => {
    pageTitle.current ||= document.title;
    document.title = step === 'form' && Object.keys(errors).length ? formWords.errorPrefix + pageTitle.current : pageTitle.current;
  }, [errors, step]);

  useEffect(() => {
    if (step === 'form' && Object.keys(errors).length) summaryRef.current?.focus();
    if (step === 'check' || step === 'done') (step === 'check' && failed ? summaryRef : headingRef).current?.focus();
    if (step === 'form' && changing.current) document.getElementById(focusId(changing.current))?.focus();
    changing.current = '';
  }, [errors, step, failed]);

  // The answers typed so far, in this tab until submitted (readDraft above); none once the complaint is in.
  useEffect(() => keepDraft(step === 'done' ? null : values), [values, step]);

  // Back from the check step shows the form with every answer kept; Forward shows the check step again (checked anew).
  const onPop = useRef(() => {});
  onPop.current = () => {
    if (!atCheck()) setStep((s) => (s === 'check' ? 'form' : s));
    else if (step === 'form') toCheck();
  };
  useEffect(() => {
    const pop = () => onPop.current();
    addEventListener('popstate', pop);
    return () => removeEventListener('popstate', pop);
  }, []);

  // Categories of the regulation the concerned unit works under (all when the unit is not known yet).
  const agencyId = values.about === 'auxiliary' ? (found?.agencyId ?? '') : values.agencyId;
  const regulation = agencies.find((a) => a.id === agencyId)?.regulation;
  const groups = useMemo(
    () => categoryGroups.filter((g) => !regulation || g.regulationId === null || g.regulationId === regulation),
    [categoryGroups, regulation],
  );
  const categoryLabel = categoryGroups.flatMap((g) => g.options).find((o) => o.code === values.category)?.label ?? '';
  const agencyName = (id: string) => agencies.find((a) => a.id === id)?.name ?? '';
  const sentWord = values.kind === 'report' ? '举报' : '投诉';

  const set = (name: Field) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }));
  // What is put in at once (a paste, a drop, a scanner app's text) shows as the number it carries, which is what will
  // be sent; keys typed one by one are left alone (「NO.1…」 may be a number's beginning). A refused link stays as pasted.
  const setNumber = (event: ChangeEvent<HTMLInputElement>) => {
    const typed = event.target.value;
    const pasted = (event.nativeEvent as InputEvent).inputType?.startsWith('insertFrom');
    setValues((v) => {
      const read = pasted || typed.length > v.certificateNo.length + 1 ? readCertificateNo(typed, [location.hostname, qrHost]) : undefined;
      return { ...v, certificateNo: read && 'certificateNo' in read ? read.certificateNo : typed };
    });
  };
  // The number is sent only while its field is shown: one left behind after choosing a unit is no one's.
  const answers = () => ({ ...values, certificateNo: numberShown ? values.certificateNo : '', idempotencyKey: idempotencyKey.current });

  function check(): FieldErrors {
    const parsed = complaintInputSchema.safeParse({ ...answers(), certificateNo: numberShown ? number : '' });
    const out: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error.issues);
    if (numberShown && 'error' in reading) out.certificateNo = reading.error;
    if (values.about === 'auxiliary' && values.certificateNo && found === null) {
      out.certificateNo ??= '这个编号不在公示名单中。请核对；如对方出示的就是这个编号，请在“反映的是谁”中选择“对方出示的编号查不到”';
    }
    // The handler's rules, applied here with the same functions: nothing it would refuse passes this step.
    if (whenInFuture(values.when.trim(), new Date())) out.when ??= answerMessages.whenInFuture;
    const categoryError = categoryProblem(
      values.category,
      groups.flatMap((g) => g.options),
      !!regulation,
    );
    if (categoryError) out.category ??= categoryError;
    const noSuperior = values.about === 'agency' ? agencies.find((a) => a.id === values.agencyId)?.noSuperior : undefined;
    if (noSuperior) out.agencyId ??= noSuperior;
    const tooLarge = files.findIndex((f) => f.size > limits.evidenceFileBytes);
    if (files.length > limits.evidenceFiles) out.evidence = evidenceMessages.tooMany;
    else if (tooLarge >= 0) out.evidence = evidenceMessages.tooLarge(tooLarge + 1);
    else if (files.reduce((n, f) => n + f.size, 0) > limits.evidenceTotalBytes) out.evidence = evidenceMessages.tooLargeTogether;
    return sortErrors(out);
  }

  async function toCheck(event?: FormEvent) {
    event?.preventDefault();
    const found = check();
    // The handler reads each file's type from its first bytes; so does this step.
    for (const [i, file] of files.entries()) {
      if (found.evidence) break;
      if (file.size === 0) found.evidence = evidenceMessages.empty(i + 1);
      else if (!sniffType(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()))) found.evidence = evidenceMessages.wrongType(i + 1);
    }
    const sorted = sortErrors(found);
    setErrors(sorted);
    setFailed(undefined);
    if (!Object.keys(sorted).length) showCheck();
  }

  function showCheck() {
    if (!atCheck()) history.pushState({ complaintCheck: true }, '');
    setStep('check');
  }

  const again = '（不会重复提交）';
  async function send(pow?: string): Promise<void> {
    setStep('sending');
    setFailed(undefined);
    const { body: sent, headers } = submissionBody({ ...answers(), ...(pow ? { pow } : {}) }, files);
    try {
      const response = await fetch('/api/complaints', { method: 'POST', body: sent, headers });
      const body = (await response.json().catch(() => ({}))) as {
        reference?: string;
        trackingCode?: string;
        agencyName?: string;
        ackQueued?: boolean;
        errors?: FieldErrors;
        powBits?: number;
      };
      if (response.ok && body.reference && body.trackingCode) {
        keepDraft(null);
        setReceipt({ reference: body.reference, trackingCode: body.trackingCode, agencyName: body.agencyName ?? '', ackQueued: body.ackQueued });
        setStep('done');
        return;
      }
      if (body.errors?.pow && body.powBits && !pow) return send(await solvePow(idempotencyKey.current, body.powBits));
      // An answer the handler refused is fixed on the form; a refusal of the whole request is retried from here.
      if (Object.keys(body.errors ?? {}).some((field) => field in initialValues || field === 'evidence')) {
        setErrors(sortErrors(body.errors!));
        setStep('form');
        return;
      }
      setFailed([
        `${sentWord}还没有提交`,
        `${Object.values(body.errors ?? {})[0] ?? `提交失败（${response.status}）`}。您填写的内容都还在，稍后请再点“${formWords.submit}”${again}`,
      ]);
    } catch {
      setFailed([`没有连上网络，${sentWord}还没有提交`, `您填写的内容都还在。请检查网络后再点“${formWords.submit}”${again}`]);
    }
    showCheck();
  }

  if (plain.form?.dataset.sent) return <div ref={standIn} />;

  if (step === 'done' && receipt) {
    const anonymous = values.kind === 'report' && !values.name && !values.phone && !values.email;
    return (
      <div className="confirmation" role="status">
        <h2 ref={headingRef} tabIndex={-1}>
          {confirmationWords.title(kindLabels[values.kind as 'complaint' | 'report'])}
        </h2>
        <p>{confirmationWords.reference}</p>
        <p className="code" id="reference">
          {receipt.reference}
        </p>
        <p>{confirmationWords.trackingCode}</p>
        <p className="code" id="tracking-code">
          {receipt.trackingCode}
        </p>
        <p id="handled-by">
          {receipt.agencyName && confirmationWords.handledBy(receipt.agencyName)}
          {confirmationWords.confidential}（<a href="/privacy/">{confirmationWords.privacyLink}</a>）。
          {confirmationWords.ackLine(!!values.email, receipt.ackQueued)}
        </p>
        {anonymous && <p>{confirmationWords.anonymous}</p>}
        <p>
          <a href={confirmationWords.statusHref(receipt.reference)}>{confirmationWords.statusLink}</a>
        </p>
      </div>
    );
  }

  if (step === 'check' || step === 'sending') {
    const whom =
      values.about === 'auxiliary' && found
        ? `${found.name || NAME_WITHHELD}（${found.certificateNo}，${found.agencyName}）`
        : values.about === 'unknownNumber'
          ? `出示编号 ${number} 的人员${values.agencyId ? `（自称${agencyName(values.agencyId)}）` : `（发生在${values.region}）`}`
          : agencyName(values.agencyId);
    const rows: [string, string, string][] = (
      [
        ['kind', kindLabels[values.kind as 'complaint' | 'report']],
        ['about', `${aboutChoices[values.about as (typeof abouts)[number]]}：${whom}`],
        ['category', categoryLabel],
        ['when', values.when],
        ['place', values.place],
        ['description', values.description],
        ['evidence', files.length ? files.map((f) => f.name).join('、') : formWords.noEvidence],
        ['name', values.name || formWords.notGiven],
        ['phone', values.phone || formWords.notGiven],
        ['email', values.email || formWords.notGiven],
      ] as [FieldName, string][]
    ).map(([field, value]) => [field, complaintFields[field].label, value]);
    return (
      <section aria-labelledby="check-title">
        {failed && (
          <div className="error-summary" role="alert" aria-labelledby="send-failed-title" tabIndex={-1} ref={summaryRef}>
            <h2 id="send-failed-title">{failed[0]}</h2>
            <p>{failed[1]}</p>
          </div>
        )}
        <h2 id="check-title" ref={headingRef} tabIndex={-1}>
          {formWords.checkTitle}
        </h2>
        <dl className="check-answers">
          {rows.map(([field, label, value]) => (
            <div key={field}>
              <dt>{label}</dt>
              <dd style={{ whiteSpace: 'pre-wrap' }}>{value}</dd>
              <dd>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    changing.current = field;
                    // Back to the form's history entry, as the phone's Back does.
                    if (atCheck()) history.back();
                    else setStep('form');
                  }}
                  aria-label={`${formWords.change}${label}`}
                >
                  {formWords.change}
                </button>
              </dd>
            </div>
          ))}
        </dl>
        <p>提交后，{sentWord}将按本平台的分派规则转有关机关办理。</p>
        <button type="button" className="btn btn-plain" onClick={() => send()} disabled={step === 'sending'}>
          {step === 'sending' ? formWords.sending : formWords.submit}
        </button>
      </section>
    );
  }

  const entries = Object.entries(errors);
  const err = (field: string) =>
    errors[field] ? (
      <p className="field-error" id={`${fieldId(field)}-error`}>
        <span className="visually-hidden">{formWords.errorPrefix}</span>
        {errors[field]}
      </p>
    ) : null;
  const described = (field: string, hint: boolean) =>
    [hint ? `${fieldId(field)}-hint` : '', errors[field] ? `${fieldId(field)}-error` : ''].filter(Boolean).join(' ') || undefined;
  const cls = (field: string) => `field${errors[field] ? ' has-error' : ''}`;
  const hintOf = (field: FieldName, extra: Record<string, unknown> = {}) => {
    const hint = complaintFields[field].hint;
    return hint ? (
      <p className="hint" id={`${fieldId(field)}-hint`} {...extra}>
        {hint}
      </p>
    ) : null;
  };
  const text = (field: FieldName & Field, extra: Record<string, unknown> = {}) => (
    <div className={cls(field)}>
      <label htmlFor={fieldId(field)}>{shownLabel(field)}</label>
      {hintOf(field)}
      {err(field)}
      <input
        id={fieldId(field)}
        name={field}
        value={values[field]}
        onChange={set(field)}
        aria-describedby={described(field, !!complaintFields[field].hint)}
        aria-invalid={!!errors[field] || undefined}
        {...complaintFields[field].rules}
        {...extra}
      />
    </div>
  );
  const radios = (field: 'kind' | 'about') => (
    <fieldset className={cls(field)} id={fieldId(field)} aria-describedby={described(field, false)}>
      <legend>{complaintFields[field].legend}</legend>
      {err(field)}
      {Object.entries(complaintFields[field].choices!).map(([opt, words], i) => (
        <label className="choice" key={opt}>
          <input
            type="radio"
            name={field}
            value={opt}
            checked={values[field] === opt}
            onChange={set(field)}
            id={i === 0 ? `${fieldId(field)}-first` : undefined}
            aria-invalid={!!errors[field] || undefined}
          />{' '}
          {words}
        </label>
      ))}
    </fieldset>
  );

  return (
    <form className="complaint-form" method="post" action="/api/complaints" encType="multipart/form-data" noValidate onSubmit={toCheck}>
      {entries.length > 0 && (
        <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} ref={summaryRef}>
          <h2 id="error-summary-title">{formWords.errorSummary(entries.length)}</h2>
          <ul>
            {entries.map(([field, message]) => (
              <li key={field}>
                <a href={`#${focusId(field === 'request' || field === 'form' || field === 'pow' ? 'kind' : field)}`} onClick={jump}>
                  {message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {radios('kind')}
      {radios('about')}
      {(values.about === 'auxiliary' || values.about === 'unknownNumber') && (
        <>
          {text('certificateNo', { onChange: setNumber })}
          <div aria-live="polite" className="lookup-result">
            {found && (
              <p id="certificate-match">
                {/* A name no longer published (retention over) is said so, as on the verify page: no person to confirm. */}
                查到：{found.name ? <b>{found.name}</b> : NAME_WITHHELD}
                {found.name && '，'}
                {found.agencyName}（{statusWords[found.status] ?? found.status}）。{found.name && '请确认是此人。'}
              </p>
            )}
            {found === null && number && (
              <p id="certificate-missing">编号「{number}」不在公示名单中。如对方出示的就是这个编号，请选择“对方出示的编号查不到”。</p>
            )}
            {'error' in reading && <p id="certificate-refused">{reading.error}</p>}
          </div>
        </>
      )}
      {(values.about === 'unit' || values.about === 'agency' || values.about === 'unknownNumber') && (
        <div className={cls('agencyId')}>
          <label htmlFor={fieldId('agencyId')}>{values.about === 'unknownNumber' ? formWords.unknownNumberUnit : complaintFields.agencyId.label}</label>
          {err('agencyId')}
          <select
            id={fieldId('agencyId')}
            name="agencyId"
            value={values.agencyId}
            onChange={set('agencyId')}
            aria-describedby={described('agencyId', false)}
            aria-invalid={!!errors.agencyId || undefined}
          >
            <option value="">{formWords.choose}</option>
            {groupByRegion(agencies).map((g) => (
              <optgroup key={g.region} label={g.region}>
                {g.agencies.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
      )}
      {values.about === 'unknownNumber' && !values.agencyId && (
        <div className={cls('region')}>
          <label htmlFor={fieldId('region')}>{complaintFields.region.label}</label>
          {hintOf('region')}
          {err('region')}
          <select
            id={fieldId('region')}
            name="region"
            value={values.region}
            onChange={set('region')}
            aria-describedby={described('region', true)}
            aria-invalid={!!errors.region || undefined}
          >
            <option value="">{formWords.choose}</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className={cls('category')}>
        <label htmlFor={fieldId('category')}>{complaintFields.category.label}</label>
        {hintOf('category')}
        {err('category')}
        <select
          id={fieldId('category')}
          name="category"
          value={values.category}
          onChange={set('category')}
          aria-describedby={described('category', true)}
          aria-invalid={!!errors.category || undefined}
        >
          <option value="">{formWords.choose}</option>
          {groups.map((g) => (
            <optgroup key={g.title} label={g.title}>
              {g.options.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      {text('when', { max: beijingToday(new Date()) })}
      {text('place')}
      <div className={cls('description')}>
        <label htmlFor={fieldId('description')}>{complaintFields.description.label}</label>
        <p className="hint" id={`${fieldId('description')}-hint`}>
          {complaintFields.description.hint}（已写 {values.description.length} 字）
        </p>
        {err('description')}
        <textarea
          id={fieldId('description')}
          name="description"
          rows={complaintFields.description.rules!.rows}
          maxLength={complaintFields.description.rules!.maxLength}
          value={values.description}
          onChange={set('description')}
          aria-describedby={described('description', true)}
          aria-invalid={!!errors.description || undefined}
        />
      </div>
      <div className={cls('evidence')}>
        <label htmlFor={fieldId('evidence')}>{shownLabel('evidence')}</label>
        {hintOf('evidence')}
        {err('evidence')}
        <input
          id={fieldId('evidence')}
          name="evidence"
          type="file"
          multiple
          accept={complaintFields.evidence.rules!.accept}
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
          // Back on the form after the check step: the field shows the files still chosen (a new field would show none).
          ref={(input) => {
            if (input && files.length && !input.files?.length) {
              const chosen = new DataTransfer();
              for (const file of files) chosen.items.add(file);
              input.files = chosen.files;
            }
          }}
          aria-describedby={described('evidence', true)}
          aria-invalid={!!errors.evidence || undefined}
        />
      </div>
      <fieldset className="field">
        <legend>{formWords.contactLegend}</legend>
        <p className="hint">{formWords.contactHint}</p>
        {text('name')}
        {text('phone')}
        {text('email')}
      </fieldset>
      <div className="hp" aria-hidden="true">
        <label>
          {formWords.honeypot} <input type="text" name="website" tabIndex={-1} autoComplete="off" value={values.website} onChange={set('website')} />
        </label>
      </div>
      <button type="submit" className="btn btn-plain">
        {formWords.toCheck}
      </button>
    </form>
  );
}
