import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CitizenView } from '../../core/complaint/citizen-view.ts';
import { formatDateTime } from '../../core/dates.ts';

/**
 * The status lookup (/complaint/status/). Server-rendered as a plain form that posts to `/api/status`
 * (works without JavaScript); with JavaScript it asks `GET /api/complaints/<reference>` with the tracking
 * code in a header (never in the URL) and shows the answer in place.
 */
export default function StatusLookup() {
  // Uncontrolled inputs, read on submit: what was typed before hydration is kept.
  const referenceInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<CitizenView | null>(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  const resultRef = useRef<HTMLElement>(null);

  useEffect(() => {
    const ref = new URLSearchParams(window.location.search).get('ref');
    if (ref && referenceInput.current && !referenceInput.current.value) referenceInput.current.value = ref.slice(0, 20);
  }, []);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);
  useEffect(() => {
    if (answer) resultRef.current?.focus();
  }, [answer]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reference = String(form.get('reference') ?? '');
    const code = String(form.get('code') ?? '');
    setAnswer(null);
    if (!reference.trim() || !code.trim()) {
      setError(!reference.trim() ? '请填写受理编号' : '请填写查询码');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/complaints/${encodeURIComponent(reference.trim())}`, {
        headers: { accept: 'application/json', 'x-tracking-code': code.trim() },
      });
      const body = (await response.json().catch(() => ({}))) as CitizenView & { errors?: Record<string, string> };
      if (!response.ok) setError(Object.values(body.errors ?? {})[0] ?? `查询失败（${response.status}），请稍后再试`);
      else setAnswer(body);
    } catch {
      setError('网络连接失败，请检查网络后重试');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="status-lookup">
      {error && (
        <div className="error-summary" role="alert" tabIndex={-1} ref={errorRef}>
          <p>{error}</p>
        </div>
      )}
      <form method="post" action="/api/status" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="reference">受理编号</label>
          <p className="hint" id="reference-hint">
            提交后页面上显示的编号，如 TS-7K3M-9QX2
          </p>
          <input
            id="reference"
            name="reference"
            type="text"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="reference-hint"
            ref={referenceInput}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="code">查询码</label>
          <p className="hint" id="code-hint">
            提交时页面上显示的查询码（不会通过邮件发送）
          </p>
          <input id="code" name="code" type="text" autoComplete="off" spellCheck={false} aria-describedby="code-hint" required />
        </div>
        <button type="submit" className="btn btn-plain" disabled={busy}>
          {busy ? '正在查询…' : '查询'}
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
        </section>
      )}
    </div>
  );
}
