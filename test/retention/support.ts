/** What the retention tests share: Beijing time, and a complainant whose every detail is a marker to look for. */

export const cst = (s: string) => new Date(`${s}+08:00`).toISOString();

/** A complaint's answers, each of them personal: none may survive its purge anywhere in the store or on disk. */
export const PERSONAL_SUBMISSION = {
  when: '2026-01-04',
  name: '钱七',
  phone: '13900139000',
  email: 'qian@citizen.example',
  place: '人民路 8 号',
  description: '辅助人员单独扣押我的三轮车，没有执法人员在场。',
};

/** The markers of PERSONAL_SUBMISSION and of what the tests add to it (the evidence's name, the named auxiliary). */
export const PERSONAL_MARKERS = ['钱七', '13900139000', 'qian@citizen.example', '单独扣押我的三轮车', '人民路 8 号', '证据照片.jpg', '张三', 'SL-CG-0001'];
