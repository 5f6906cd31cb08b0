/**
 * What the complaint island posts to /api/complaints: the answers, the idempotency key (and a proof of work when
 * asked) as JSON; or, when files are chosen, the same fields as multipart/form-data with each file as `evidence`.
 * The handler reads both (functions/complaints/body.ts). Without files, JSON spares it the multipart parsing: about a
 * third of its CPU per submission (docs/BENCHMARKS.md, "Ninth run"), for most submissions.
 */
export function submissionBody(fields: Readonly<Record<string, string>>, files: readonly File[]): { body: string | FormData; headers: Record<string, string> } {
  const accept = { accept: 'application/json' };
  if (!files.length) return { body: JSON.stringify(fields), headers: { ...accept, 'content-type': 'application/json' } };
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const file of files) data.append('evidence', file, file.name);
  return { body: data, headers: accept };
}
