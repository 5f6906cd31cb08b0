import { useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import type { CitizenView } from '../../core/complaint/citizen-view.ts';
import { formatDateTime } from '../../core/dates.ts';
import { codeSymbols } from '../../core/complaint/reference-check.ts';
import {
  lookupDescribedBy,
  lookupErrorId,
  referenceProblem,
  statusLookupErrors,
  statusLookupWords,
  type LookupError,
  type LookupField,
} from '../../core/complaint/status-lookup.ts';
import { withHint } from '../../core/error-data.ts';
import { PRIVACY_NOTICE_TITLE } from '../../core/policy/labels.ts';

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { id: LookupField; name: LookupField };

/**
 * What can be told before asking the server: an empty field, and a reference whose check character does not match
 * (the server's JSON answer calls that a format error; here the citizen learns one character was mistyped).
 */
function inputErrors(reference: string, code: string): LookupError[] {
  const errors: LookupError[] = [];
  const problem = referenceProblem(reference);
  if (problem === 'empty') errors.push({ message: withHint(statusLookupErrors.StatusNoReference), fields: ['reference'] });
  if (problem === 'check') errors.push({ message: withHint(statusLookupErrors.StatusReferenceCheck), fields: ['reference'] });
  if (!code.trim()) errors.push({ message: '请填写查询码。', fields: ['code'] });
  return errors;
}

/**
 * The server's answer at its field: a malformed reference at the reference, a missing code at the code, and "unknown
 * reference or wrong code" (404, the same for both so nobody learns a reference exists) at both.
 */
function serverError(status: number, errors: Record<string, string>): LookupError {
  const message = Object.values(errors)[0] ?? `查询失败（${status}），请稍后再试`;
  if (status === 404) return { message, fields: ['reference', 'code'] };
  if (status === 400 && errors.trackingCode) return { message: errors.trackingCode, fields: ['code'] };
  if (status === 400 && errors.reference) return { message: errors.reference, fields: ['reference'] };
  return { message, fields: [] };
}

/** An error summary link, as GOV.UK's: the field's label scrolled into view, the field focused. */
function jump(event: { currentTarget: HTMLAnchorElement; preventDefault(): void }) {
  const control = document.getElementById(event.currentTarget.hash.slice(1));
  if (!control) return;
  event.preventDefault();
  (document.querySelector(`label[for="${control.id}"]`) ?? control).scrollIntoView();
  control.focus({ preventScroll: true });
}

/**
 * The status lookup (/complaint/status/). Server-rendered as a plain form that posts to `/api/status`
 * (works without JavaScript); with JavaScript it asks `GET /api/complaints/<reference>` with the tracking
 * code in a header (never in the URL) and shows the answer in place.
 */
export default function StatusLookup() {
  // Uncontrolled inputs, read on submit: what was typed before hydration is kept, and so is what was typed
  // when a lookup fails (nothing here clears them).
  const referenceInput = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<LookupError[]>([]);
  const [answer, setAnswer] = useState<CitizenView | null>(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  const resultRef = useRef<HTMLElement>(null);

  useEffect(() => {
    const ref = new URLSearchParams(window.location.search).get('ref');
    if (ref && referenceInput.current && !referenceInput.current.value) referenceInput.current.value = ref.slice(0, 20);
  }, []);
  useEffect(() => {
    if (errors.length) errorRef.current?.focus();
  }, [errors]);
  useEffect(() => {
    if (answer) resultRef.current?.focus();
  }, [answer]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reference = String(form.get('reference') ?? '');
    const code = String(form.get('code') ?? '');
    setAnswer(null);
    const found = inputErrors(reference, code);
    setErrors(found);
    if (found.length) return;
    setBusy(true);
    try {
      const response = await fetch(`/api/complaints/${encodeURIComponent(reference.trim())}`, {
        // Its symbols only: a header holds no 「查询码：」, full-width forms or other dashes (fetch would throw).
        headers: { accept: 'application/json', 'x-tracking-code': codeSymbols(code) },
      });
      const body = (await response.json().catch(() => ({}))) as CitizenView & { errors?: Record<string, string> };
      if (!response.ok) setErrors([serverError(response.status, body.errors ?? {})]);
      else setAnswer(body);
    } catch {
      setErrors([{ message: '网络连接失败，请检查网络后重试', fields: [] }]);
    } finally {
      setBusy(false);
    }
  }

  const field = (name: LookupField, control: (props: FieldProps) => ReactNode) => {
    const invalid = errors.some((x) => x.fields.includes(name));
    return (
      <div className={`field${invalid ? ' has-error' : ''}`}>
        <label htmlFor={name}>{statusLookupWords[name]}</label>
        <p className="hint" id={`${name}-hint`}>
          {statusLookupWords[`${name}Hint`]}
        </p>
        {errors
          .filter((x) => x.fields[0] === name)
          .map((x) => (
            <p className="field-error" id={lookupErrorId(x)} key={x.message}>
              <span className="visually-hidden">{statusLookupWords.errorPrefix}</span>
              {x.message}
            </p>
          ))}
        {control({
          id: name,
          name,
          type: 'text',
          autoComplete: 'off',
          spellCheck: false,
          required: true,
          'aria-describedby': lookupDescribedBy(name, errors),
          'aria-invalid': invalid || undefined,
        })}
      </div>
    );
  };

  return (
    <div className="status-lookup">
      {errors.length > 0 && (
        <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} ref={errorRef}>
          <h2 id="error-summary-title">{statusLookupWords.errorSummary}</h2>
          <ul>
            {errors.map((x) => (
              <li key={x.message}>
                {x.fields[0] ? (
                  <a href={`#${x.fields[0]}`} onClick={jump}>
                    {x.message}
                  </a>
                ) : (
                  x.message
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <form method="post" action="/api/status" onSubmit={submit} noValidate>
        {field('reference', (props) => (
          <input {...props} ref={referenceInput} />
        ))}
        {field('code', (props) => (
          <input {...props} />
        ))}
        <button type="submit" className="btn btn-plain" disabled={busy}>
          {busy ? statusLookupWords.busy : statusLookupWords.submit}
        </button>
      </form>
      {answer && (
        <section className="status-result" aria-labelledby="status-title" tabIndex={-1} ref={resultRef}>
          <h2 id="status-title">办理进度</h2>
          <dl>
            <dt>受理编号</dt>
            <dd id="reference-value">{answer.reference}</dd>
            <dt>当前状态</dt>
            <dd id="status" data-status={answer.status}>
              {answer.statusLabel}
            </dd>
            <dt>办理机关</dt>
            <dd>{answer.agency.name}</dd>
          </dl>
          <table>
            <caption>办理记录</caption>
            <thead>
              <tr>
                <th scope="col">时间（北京时间）</th>
                <th scope="col">事项</th>
              </tr>
            </thead>
            <tbody>
              {answer.history.map((h, i) => (
                <tr key={i}>
                  <td>
                    <time dateTime={h.at}>{formatDateTime(h.at)}</time>
                  </td>
                  <td>
                    {h.label}
                    {h.note ? `（${h.note}）` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {answer.purged && (
            <p id="purged" role="note">
              {answer.purged.note}详见<a href="/privacy/#retention">{PRIVACY_NOTICE_TITLE}</a>。
            </p>
          )}
        </section>
      )}
    </div>
  );
}
