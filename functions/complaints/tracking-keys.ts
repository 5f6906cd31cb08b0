import type { Db } from '../store/db.ts';
import { replaceTrackingHash, trackingHashKeyCounts, type ComplaintRow } from '../store/records/complaints.ts';
import { keyId, matchTrackingCode, trackingKeyList, type TrackingKeys } from './reference.ts';

/**
 * Tracking codes across key rotations (docs/SECURITY.md, "Key rotation"). A code is stored only as an HMAC under the
 * key of the day, with that key's id in front; it is checked under SECRET, SECRET_PREVIOUS and SECRET_RETIRED, and
 * when it matches under an older key (or a hash stored before key ids) the hash is written again under SECRET, so
 * the older key can later be dropped without the code dying with it.
 */

/**
 * Whether `code` is the complaint's tracking code under a configured key. A wrong code costs at most one HMAC per
 * configured key and writes nothing; a right one under an older key re-writes the hash under SECRET. That write may
 * fail (the store busy or down) without failing the lookup: the code still verifies, and the next lookup tries again.
 */
export async function verifyTrackingCode(
  world: { store: Db; settings: TrackingKeys; log?: ((line: string) => void) | undefined },
  complaint: Pick<ComplaintRow, 'id' | 'tracking_hash'>,
  code: string,
): Promise<boolean> {
  const match = matchTrackingCode(code, complaint.tracking_hash, world.settings);
  if (!match) return false;
  if (match.rehash) {
    try {
      await replaceTrackingHash(world.store, complaint.id, complaint.tracking_hash, match.rehash);
    } catch (error) {
      // The error's name and code only: never the code, the hash or the key.
      (world.log ?? console.log)(`[status] tracking hash not re-written: ${(error as Error).name} ${(error as NodeJS.ErrnoException).code ?? ''}`.trimEnd());
    }
  }
  return true;
}

export interface TrackingKeyReport {
  /** Complaints whose code was hashed under a key that is configured nowhere: their lookups fail. */
  unconfigured: { keyId: string; complaints: number }[];
  /** Complaints whose code is still hashed under SECRET_PREVIOUS or SECRET_RETIRED (re-hashed at their next lookup). */
  underOlderKeys: number;
  /** Complaints stored before key ids: checked against every configured key. */
  legacy: number;
  /** How many keys besides SECRET check tracking codes (SECRET_PREVIOUS and SECRET_RETIRED). */
  olderKeys: number;
}

/** Counts the stored tracking codes by the key that hashed them, against the keys configured now. */
export async function trackingKeyReport(store: Db, keys: TrackingKeys): Promise<TrackingKeyReport> {
  const { byKeyId, legacy } = await trackingHashKeyCounts(store);
  const current = keyId(keys.secret);
  const older = new Set(trackingKeyList(keys).slice(1).map(keyId));
  const report: TrackingKeyReport = { unconfigured: [], underOlderKeys: 0, legacy, olderKeys: older.size };
  for (const [id, complaints] of [...byKeyId].sort(([a], [b]) => a.localeCompare(b))) {
    if (id === current) continue;
    if (older.has(id)) report.underOlderKeys += complaints;
    else report.unconfigured.push({ keyId: id, complaints });
  }
  return report;
}

/** What `npm start` prints about the report: warnings (lookups that fail) and notes (a key still needed). */
export function trackingKeyLines(report: TrackingKeyReport): { warnings: string[]; notes: string[] } {
  const warnings: string[] = [];
  const notes: string[] = [];
  const lost = report.unconfigured.reduce((n, u) => n + u.complaints, 0);
  if (lost) {
    warnings.push(
      `${lost} 件投诉的查询码由已不在配置中的密钥生成（密钥编号 ${report.unconfigured.map((u) => u.keyId).join('、')}），查询会失败：` +
        '请把原密钥放入 SECRET_RETIRED（逗号分隔；只用于核对查询码，不再验证任何链接）后重新启动。密钥编号的算法见 docs/SECURITY.md。',
    );
  }
  const waiting = report.underOlderKeys + (report.olderKeys ? report.legacy : 0);
  if (waiting) {
    notes.push(
      `${waiting} 件投诉的查询码仍可能要用 SECRET_PREVIOUS 或 SECRET_RETIRED 中的密钥核对` +
        `（${report.legacy && report.olderKeys ? `含 ${report.legacy} 件未记录密钥编号的旧查询码；` : ''}查询一次后即改由 SECRET 核对）。这些密钥删去后，相应的查询码会失效。`,
    );
  }
  return { warnings, notes };
}
