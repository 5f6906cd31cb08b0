import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import {
  aboutLabels,
  abouts,
  complaintInputSchema,
  kindLabels,
  limits,
  sortErrors,
  toFieldErrors,
  type FieldErrors,
} from '../core/complaint/schema.ts';
import { fieldId, fieldLabels, type CategoryGroup } from '../core/complaint/form-html.ts';
import { lookupAuxiliary, statusWords, type FoundAuxiliary } from './complaint/lookup.ts';
import { solvePow } from './complaint/pow.ts';

/**
 * The complaint form with JavaScript: the same fields and names as the plain HTML form (its no-JS fallback),
 * checked with the same zod schema as the handler; GOV.UK-style error summary that takes focus, a message at
 * each field, a check-your-answers step, and the confirmation with reference and tracking code.
 */
interface Props {
  /** Shards of the static number index (the portal's /lookup/k/), for numbers typed without dashes. */
  shardCount: number;
  categoryGroups: CategoryGroup[];
  agencies: { id: string; name: string; regulation: string }[];
  /** The registry's regions, for 发生地区 when a number is on no roster and no unit is named. */
  regions: string[];
}

type Step = 'form' | 'check' | 'sending' | 'done';

const initialValues = {
  kind: '', about: '', certificateNo: '', agencyId: '', region: '', category: '', when: '', place: '', description: '', name: '', phone: '', email: '', website: '',
};
type Values = typeof initialValues;
type Field = keyof Values;

export default function ComplaintForm({ shardCount, categoryGroups, agencies, regions }: Props) {
  const [values, setValues] = useState<Values>(initialValues);
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [step, setStep] = useState<Step>('form');
  const [found, setFound] = useState<FoundAuxiliary | null | undefined>(undefined);
  const [receipt, setReceipt] = useState<{ reference: string; trackingCode: string } | undefined>();
  const idempotencyKey = useRef<string>('');
  const summaryRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  if (!idempotencyKey.current) idempotencyKey.current = crypto.randomUUID();

  // Prefill from the verify page's "投诉此人" link (?no=…), the lookup page's "举报此编号" (?kind=report&no=…)
  // and an agency page's two links: ?agency=<id> (an auxiliary it employs, number unknown) and
  // ?agency=<id>&about=agency (the agency itself).
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const agency = params.get('agency') ?? '';
    const target = params.get('about') === 'agency' ? 'agency' : 'unit';
    if (agencies.some((a) => a.id === agency)) setValues((v) => ({ ...v, about: target, agencyId: agency }));
    const no = params.get('no') ?? '';
    const kind = params.get('kind') === 'report' ? 'report' : params.get('kind') === 'complaint' ? 'complaint' : '';
    // From the lookup page's "not on the roster" (kind=report) the number is presumed unknown; the lookup below
    // switches to the person if it is on the roster after all.
    const about = no ? (kind === 'report' ? 'unknownNumber' : 'auxiliary') : '';
    if (no || kind) setValues((v) => ({ ...v, certificateNo: no.slice(0, 40), kind: kind || v.kind, about: about || v.about }));
  }, []);

  // Show whom a certificate number belongs to, for confirmation.
  useEffect(() => {
    const no = values.certificateNo.trim();
    if (!no || (values.about !== 'auxiliary' && values.about !== 'unknownNumber')) {
      setFound(undefined);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      lookupAuxiliary(no, shardCount, abort.signal)
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
  }, [values.certificateNo, values.about]);

  useEffect(() => {
    if (step === 'form' && Object.keys(errors).length) summaryRef.current?.focus();
    if (step === 'check' || step === 'done') headingRef.current?.focus();
  }, [errors, step]);

  // Categories of the regulation the concerned unit works under (all when the unit is not known yet).
  const agencyId = values.about === 'auxiliary' ? (found?.agencyId ?? '') : values.agencyId;
  const regulation = agencies.find((a) => a.id === agencyId)?.regulation;
  const groups = useMemo(
    () => categoryGroups.filter((g) => !regulation || g.regulationId === null || g.regulationId === regulation),
    [categoryGroups, regulation],
  );
  const categoryLabel = categoryGroups.flatMap((g) => g.options).find((o) => o.code === values.category)?.label ?? '';
  const agencyName = (id: string) => agencies.find((a) => a.id === id)?.name ?? '';

  const set = (name: Field) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }));

  function check(): FieldErrors {
    const parsed = complaintInputSchema.safeParse({ ...values, idempotencyKey: idempotencyKey.current });
    const out: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error.issues);
    if (values.about === 'auxiliary' && values.certificateNo && found === null) {
      out.certificateNo ??= '这个编号不在公示名单中。请核对；如对方出示的就是这个编号，请在“反映的是谁”中选择“对方出示的编号查不到”';
    }
    if (files.length > limits.evidenceFiles) out.evidence = `证据文件最多 ${limits.evidenceFiles} 个`;
    else if (files.some((f) => f.size > limits.evidenceFileBytes)) out.evidence = `每个证据文件不能超过 ${limits.evidenceFileBytes / 1048576} MB`;
    else if (files.reduce((n, f) => n + f.size, 0) > limits.evidenceTotalBytes) out.evidence = `证据文件合计不能超过 ${limits.evidenceTotalBytes / 1048576} MB`;
    return sortErrors(out);
  }

  function toCheck(event: FormEvent) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (!Object.keys(found).length) setStep('check');
  }

  async function send(pow?: string): Promise<void> {
    setStep('sending');
    const data = new FormData();
    for (const [k, v] of Object.entries(values)) data.append(k, v);
    data.append('idempotencyKey', idempotencyKey.current);
    if (pow) data.append('pow', pow);
    for (const f of files) data.append('evidence', f, f.name);
    try {
      const response = await fetch('/api/complaints', { method: 'POST', body: data, headers: { accept: 'application/json' } });
      const body = (await response.json().catch(() => ({}))) as { reference?: string; trackingCode?: string; errors?: FieldErrors; powBits?: number };
      if (response.ok && body.reference && body.trackingCode) {
        setReceipt({ reference: body.reference, trackingCode: body.trackingCode });
        setStep('done');
        return;
      }
      if (body.errors?.pow && body.powBits && !pow) return send(await solvePow(idempotencyKey.current, body.powBits));
      setErrors(body.errors && Object.keys(body.errors).length ? sortErrors(body.errors) : { request: `提交失败（${response.status}），请稍后重试` });
    } catch {
      setErrors({ request: '网络连接失败，没有提交成功。请检查网络后再点“确认提交”（不会重复提交）' });
    }
    setStep('form');
  }

  if (step === 'done' && receipt) {
    const anonymous = values.kind === 'report' && !values.name && !values.phone && !values.email;
    return (
      <div className="confirmation" role="status">
        <h2 ref={headingRef} tabIndex={-1}>您的{kindLabels[values.kind as 'complaint' | 'report']}已提交</h2>
        <p>受理编号</p>
        <p className="code" id="reference">{receipt.reference}</p>
        <p>查询码（只显示这一次，请抄下或截图保存）</p>
        <p className="code" id="tracking-code">{receipt.trackingCode}</p>
        <p>按本平台规则，您的身份只告知办理机关，平台要求其保密。{values.email && '确认邮件已发往您填写的邮箱。'}</p>
        {anonymous && <p>这是匿名举报：不会收到办理反馈，但可以凭受理编号和查询码查询办理状态。</p>}
        <p><a href="/complaint/status/">用受理编号和查询码查询办理进度</a></p>
      </div>
    );
  }

  if (step === 'check' || step === 'sending') {
    const whom =
      values.about === 'auxiliary' && found
        ? `${found.name}（${found.certificateNo}，${found.agencyName}）`
        : values.about === 'unknownNumber'
          ? `出示编号 ${values.certificateNo} 的人员${values.agencyId ? `（自称${agencyName(values.agencyId)}）` : `（发生在${values.region}）`}`
          : agencyName(values.agencyId);
    const rows: [string, string, string][] = [
      ['kind', fieldLabels.kind!, kindLabels[values.kind as 'complaint' | 'report']],
      ['about', fieldLabels.about!, `${aboutLabels[values.about as (typeof abouts)[number]]}：${whom}`],
      ['category', fieldLabels.category!, categoryLabel],
      ['when', fieldLabels.when!, values.when],
      ['place', fieldLabels.place!, values.place],
      ['description', fieldLabels.description!, values.description],
      ['evidence', fieldLabels.evidence!, files.length ? files.map((f) => f.name).join('、') : '无'],
      ['name', fieldLabels.name!, values.name || '（未填）'],
      ['phone', fieldLabels.phone!, values.phone || '（未填）'],
      ['email', fieldLabels.email!, values.email || '（未填）'],
    ];
    return (
      <section aria-labelledby="check-title">
        <h2 id="check-title" ref={headingRef} tabIndex={-1}>请核对您填写的内容</h2>
        <dl className="check-answers">
          {rows.map(([field, label, value]) => (
            <div key={field}>
              <dt>{label}</dt>
              <dd style={{ whiteSpace: 'pre-wrap' }}>{value}</dd>
              <dd>
                <button type="button" className="link" onClick={() => setStep('form')} aria-label={`修改${label}`}>修改</button>
              </dd>
            </div>
          ))}
        </dl>
        <p>提交后，{values.kind === 'report' ? '举报' : '投诉'}将按规定转有关机关办理。</p>
        <button type="button" onClick={() => send()} disabled={step === 'sending'}>
          {step === 'sending' ? '正在提交……' : '确认提交'}
        </button>
      </section>
    );
  }

  const entries = Object.entries(errors);
  const err = (field: string) =>
    errors[field] ? (
      <p className="field-error" id={`${fieldId(field)}-error`}>
        <span className="visually-hidden">错误：</span>
        {errors[field]}
      </p>
    ) : null;
  const described = (field: string, hint: boolean) =>
    [hint ? `${fieldId(field)}-hint` : '', errors[field] ? `${fieldId(field)}-error` : ''].filter(Boolean).join(' ') || undefined;
  const cls = (field: string) => `field${errors[field] ? ' has-error' : ''}`;
  const text = (field: Field, props: Record<string, unknown>, hint?: string) => (
    <div className={cls(field)}>
      <label htmlFor={fieldId(field)}>{fieldLabels[field]}</label>
      {hint && <p className="hint" id={`${fieldId(field)}-hint`}>{hint}</p>}
      {err(field)}
      <input id={fieldId(field)} name={field} value={values[field]} onChange={set(field)} aria-describedby={described(field, !!hint)} aria-invalid={!!errors[field] || undefined} {...props} />
    </div>
  );
  const radios = (field: 'kind' | 'about', legend: string, options: readonly string[], labels: Record<string, string>) => (
    <fieldset className={cls(field)} id={fieldId(field)} aria-describedby={described(field, false)}>
      <legend>{legend}</legend>
      {err(field)}
      {options.map((opt, i) => (
        <label className="choice" key={opt}>
          <input type="radio" name={field} value={opt} checked={values[field] === opt} onChange={set(field)} id={i === 0 ? `${fieldId(field)}-first` : undefined} /> {labels[opt]}
        </label>
      ))}
    </fieldset>
  );

  return (
    <form className="complaint-form" method="post" action="/api/complaints" encType="multipart/form-data" noValidate onSubmit={toCheck}>
      {entries.length > 0 && (
        <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} ref={summaryRef}>
          <h2 id="error-summary-title">提交前请修改以下 {entries.length} 处问题</h2>
          <ul>
            {entries.map(([field, message]) => (
              <li key={field}>
                <a href={`#${fieldId(field === 'request' || field === 'form' || field === 'pow' ? 'kind' : field)}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {radios('kind', '您要投诉还是举报？', ['complaint', 'report'], {
        complaint: '投诉（需留下姓名和电话，会收到办理结果）',
        report: '举报（可以匿名；匿名举报不会收到办理反馈）',
      })}
      {radios('about', '反映的是谁？', abouts, aboutLabels)}
      {(values.about === 'auxiliary' || values.about === 'unknownNumber') && (
        <>
          {text('certificateNo', { type: 'text', autoComplete: 'off', spellCheck: false, maxLength: 40 }, '对方证件或胸牌上的编号')}
          <div aria-live="polite" className="lookup-result">
            {found && (
              <p id="certificate-match">
                查到：<b>{found.name}</b>，{found.agencyName}（{statusWords[found.status] ?? found.status}）。请确认是此人。
              </p>
            )}
            {found === null && values.certificateNo.trim() && (
              <p id="certificate-missing">编号「{values.certificateNo.trim()}」不在公示名单中。如对方出示的就是这个编号，请选择“对方出示的编号查不到”。</p>
            )}
          </div>
        </>
      )}
      {(values.about === 'unit' || values.about === 'agency' || values.about === 'unknownNumber') && (
        <div className={cls('agencyId')}>
          <label htmlFor={fieldId('agencyId')}>{values.about === 'unknownNumber' ? '对方自称的单位（可选）' : fieldLabels.agencyId}</label>
          {err('agencyId')}
          <select id={fieldId('agencyId')} name="agencyId" value={values.agencyId} onChange={set('agencyId')} aria-describedby={described('agencyId', false)}>
            <option value="">（请选择）</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>{a.name}</option>
            ))}
          </select>
        </div>
      )}
      {values.about === 'unknownNumber' && !values.agencyId && (
        <div className={cls('region')}>
          <label htmlFor={fieldId('region')}>{fieldLabels.region}</label>
          <p className="hint" id={`${fieldId('region')}-hint`}>不知道对方单位时必填：转事发地区的司法行政部门处理</p>
          {err('region')}
          <select id={fieldId('region')} name="region" value={values.region} onChange={set('region')} aria-describedby={described('region', true)}>
            <option value="">（请选择）</option>
            {regions.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </select>
        </div>
      )}
      <div className={cls('category')}>
        <label htmlFor={fieldId('category')}>{fieldLabels.category}</label>
        <p className="hint" id={`${fieldId('category')}-hint`}>按该单位执行的办法中禁止辅助人员从事的事项和行为分类，括号内为条款</p>
        {err('category')}
        <select id={fieldId('category')} name="category" value={values.category} onChange={set('category')} aria-describedby={described('category', true)}>
          <option value="">（请选择）</option>
          {groups.map((g) => (
            <optgroup key={g.title} label={g.title}>
              {g.options.map((o) => (
                <option key={o.code} value={o.code}>{o.label}</option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      {text('when', { type: 'date', max: new Date().toISOString().slice(0, 10) }, '年-月-日，如 2026-05-01')}
      {text('place', { type: 'text', maxLength: limits.placeMax }, '如：某路某号门口')}
      <div className={cls('description')}>
        <label htmlFor={fieldId('description')}>{fieldLabels.description}</label>
        <p className="hint" id={`${fieldId('description')}-hint`}>
          {limits.descriptionMin}–{limits.descriptionMax} 字。请写清发生了什么、对方说了什么做了什么（已写 {values.description.length} 字）
        </p>
        {err('description')}
        <textarea id={fieldId('description')} name="description" rows={8} maxLength={limits.descriptionMax} value={values.description} onChange={set('description')} aria-describedby={described('description', true)} />
      </div>
      <div className={cls('evidence')}>
        <label htmlFor={fieldId('evidence')}>{fieldLabels.evidence}（可选）</label>
        <p className="hint" id={`${fieldId('evidence')}-hint`}>
          照片（JPEG、PNG、WebP）或 PDF，最多 {limits.evidenceFiles} 个，每个不超过 {limits.evidenceFileBytes / 1048576} MB，合计不超过{' '}
          {limits.evidenceTotalBytes / 1048576} MB
        </p>
        {err('evidence')}
        <input id={fieldId('evidence')} name="evidence" type="file" multiple accept="image/jpeg,image/png,image/webp,application/pdf" onChange={(e) => setFiles([...(e.target.files ?? [])])} aria-describedby={described('evidence', true)} />
      </div>
      <fieldset className="field">
        <legend>您的联系方式</legend>
        <p className="hint">投诉须填写姓名和电话；举报可以不填（匿名）。按本平台规则，您的姓名和联系方式只发给办理机关，不发给被反映的人员或单位，平台要求办理机关保密（这是本平台的规则，不是两部办法的规定）。详见<a href="/privacy/">个人信息保护说明</a>。</p>
        {text('name', { type: 'text', autoComplete: 'name', maxLength: limits.nameMax })}
        {text('phone', { type: 'tel', autoComplete: 'tel', maxLength: 30 })}
        {text('email', { type: 'email', autoComplete: 'email', maxLength: limits.emailMax }, '填写后会收到确认邮件')}
      </fieldset>
      <div className="hp" aria-hidden="true">
        <label>
          请勿填写此项 <input type="text" name="website" tabIndex={-1} autoComplete="off" value={values.website} onChange={set('website')} />
        </label>
      </div>
      <button type="submit">下一步：核对</button>
    </form>
  );
}
