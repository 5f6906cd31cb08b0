import { expect, it } from 'vitest';
import sharp from 'sharp';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { minimalExif } from '../../functions/complaints/evidence-metadata.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { findComplaintByReference } from '../../functions/store/records/complaints.ts';
import { startSmtp, testWorld, validSubmission } from './support.ts';
import { attachmentData, simpleParser } from './parse.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';
import { gpsIfd, MARKERS, occurrences, phoneJpeg, phonePng, phoneWebp, REVIEW_EXIF } from './evidence-metadata-fixtures.ts';

/**
 * The security review's case: an anonymous 举报 with a phone photo whose EXIF names the complainant, the device and
 * where it was taken. What the store keeps and what the agency receives must hold none of it, and still show the
 * photo the right way up.
 */
const ctx = { clientAddress: '127.0.0.1' };
const ANONYMOUS = { kind: 'report', name: '', phone: '', email: '' };

function post(world: Awaited<ReturnType<typeof testWorld>>, files: Buffer[], over: Record<string, unknown> = {}, accept = 'application/json') {
  const data = new FormData();
  for (const [k, v] of Object.entries(validSubmission({ ...ANONYMOUS, ...over }))) data.append(k, String(v));
  for (const [i, f] of files.entries()) data.append('evidence', new Blob([f as BlobPart]), `IMG_000${i}`);
  return complaintFunctions(world)(new Request('http://localhost/api/complaints', { method: 'POST', headers: { accept }, body: data }), ctx).then((r) => r!);
}

/** No marker, no GPS, and at most the one minimal EXIF block with the orientation; the picture decodes as before. */
async function expectClean(file: Uint8Array, original: Buffer, what: string) {
  expect(
    MARKERS.filter((m) => occurrences(file, m) > 0),
    what,
  ).toEqual([]);
  expect(occurrences(file, 'Exif'), `${what}: 'Exif' only in the minimal block`).toBeLessThanOrEqual(1);
  const [after, before] = await Promise.all([sharp(file).metadata(), sharp(original).metadata()]);
  expect(before.exif && gpsIfd(before.exif.subarray(before.exif.toString('latin1', 0, 4) === 'Exif' ? 6 : 0)), `${what}: the original had GPS`).toBe(true);
  if (after.exif)
    expect(
      Buffer.from(after.exif)
        .subarray(-26)
        .equals(Buffer.from(minimalExif(6))),
      what,
    ).toBe(true);
  expect([after.format, after.width, after.height, after.orientation, after.xmp], what).toEqual([before.format, 64, 48, 6, undefined]);
  expect((await sharp(file).raw().toBuffer()).equals(await sharp(original).raw().toBuffer()), `${what}: same pixels`).toBe(true);
}

describeEachStore('evidence metadata never reaches the store or the agency', (kind) => {
  const db = freshStore(kind);

  it("an anonymous report's photos (JPEG, PNG, WebP) are stored and mailed without name, device or position", async () => {
    const photos = [await phoneJpeg(), await phonePng(), await phoneWebp()];
    for (const p of photos) expect(occurrences(p, REVIEW_EXIF.IFD0.Artist), 'the fixtures carry the name').toBeGreaterThan(0);
    const smtp = await startSmtp();
    const world = await testWorld(db);
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    let reference: string;
    try {
      const response = await post(world, photos);
      expect(response.status).toBe(201);
      ({ reference } = (await response.json()) as { reference: string });
      expect(
        (await sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } })).sent,
      ).toBe(1);
    } finally {
      mailer.close();
      await smtp.stop();
    }
    const mail = smtp.received.find((m) => m.raw.includes(reference))!;
    expect(mail.to).toContain('cgj@city.example');
    expect((await simpleParser(mail.raw)).attachments.map((a) => a.filename)).toEqual(['证据1.jpg', '证据2.png', '证据3.webp']);
    const attached = attachmentData(mail.raw);
    const row = (await findComplaintByReference(db, reference))!;
    const stored = await db.query<{ name: string; size: number; data: Uint8Array }>(
      'SELECT name, size, data FROM evidence WHERE complaint_id = ? ORDER BY name',
      [row.id],
    );
    for (const [i, file] of stored.entries()) {
      await expectClean(file.data, photos[i]!, `stored ${file.name}`);
      expect(Number(file.size)).toBe(file.data.byteLength);
      expect(Buffer.from(file.data).equals(attached[i]!), `${file.name}: the mail carries what is stored`).toBe(true);
    }
  });

  it('the idempotency key is bound to the stored (stripped) bytes: a retry answers with the first complaint', async () => {
    const world = await testWorld(db);
    const photo = await phoneJpeg();
    const key = { idempotencyKey: `exif-retry-${kind}-0123456789` };
    const first = await post(world, [photo], key);
    const again = await post(world, [photo], key);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(((await again.json()) as { reference: string }).reference).toBe(((await first.json()) as { reference: string }).reference);
    // The same key with another picture is another submission.
    const other = await sharp(photo).rotate(180).jpeg().toBuffer();
    expect((await post(world, [other], key)).status).toBe(409);
  });

  it('the no-JavaScript path keeps the stripped photo for its check page, and a damaged photo is named at the field', async () => {
    const world = await testWorld(db);
    const photo = await phoneJpeg();
    const check = await post(world, [photo], {}, 'text/html');
    expect(check.status).toBe(200);
    const [draft] = await db.query<{ data: Uint8Array }>('SELECT data FROM evidence_drafts ORDER BY created_at DESC LIMIT 1');
    await expectClean(draft!.data, photo, 'kept for the check page');

    const cut = photo.subarray(0, 200); // the upload broke off inside the metadata: no picture in it
    const refused = await post(world, [cut]);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Record<string, string> }).errors.evidence).toContain('第 1 个证据文件已损坏或不完整');
    const page = await post(world, [cut], {}, 'text/html');
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('第 1 个证据文件已损坏或不完整');
  });
});
