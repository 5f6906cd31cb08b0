import type { Rng } from './prng.ts';

// Common surnames, roughly by frequency (the first ones weigh more), plus a few two-character ones.
const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡',
  '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金',
  '石', '廖', '贾', '夏', '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '闫', '段', '雷', '侯',
];
const DOUBLE_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '慕容'];
const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
  '刚', '桂', '英', '华', '建', '国', '志', '红', '文', '斌', '辉', '海', '鹏', '宇', '浩', '婷', '雪', '琳', '晨', '欣',
  '佳', '子', '梓', '萱', '睿', '晓', '春', '玉', '兰', '凤', '亮', '成', '永', '德', '振', '东', '俊', '林', '峰', '博',
  '新', '瑞', '莉', '倩', '丹', '飞', '彬', '浩', '然', '思', '雨', '嘉', '乐', '天', '一', '鑫', '宁', '涵', '泽', '铭',
];
// Uyghur-style personal + father's name, joined by the middle dot as Chinese rosters write them.
const MINORITY_FIRST = ['阿卜杜拉', '艾力', '买买提', '古丽娜尔', '热依拉', '艾合买提', '迪丽努尔', '努尔兰', '阿依古丽', '帕提古丽'];
const MINORITY_LAST = ['买买提', '吐尔逊', '热合曼', '艾散', '阿不都', '依明', '卡德尔', '玉素甫'];

export function chineseName(rng: Rng): string {
  if (rng.chance(0.012)) return `${rng.pick(MINORITY_FIRST)}·${rng.pick(MINORITY_LAST)}`;
  const surname = rng.chance(0.015) ? rng.pick(DOUBLE_SURNAMES) : SURNAMES[Math.floor(rng.next() ** 2 * SURNAMES.length)]!;
  const given = rng.chance(0.3) ? rng.pick(GIVEN) : rng.pick(GIVEN) + rng.pick(GIVEN);
  return surname + given;
}
