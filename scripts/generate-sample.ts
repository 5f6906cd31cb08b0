/**
 * `npm run sample` rewrites the committed sample rosters in content/rosters/ (deterministic: same seed, same files).
 * `npm run sample -- --province 100000 --out /tmp/province [--seed N]` writes a province-sized content folder
 * for benchmarks instead (not committed).
 */
import { parseArgs } from 'node:util';
import { writeProvince } from './sample/province.ts';
import { writeSample } from './sample/sample.ts';
import { DEFAULT_SEED } from './sample/seed.ts';

function fail(message: string): never {
  console.error(`✘ ${message}`);
  console.error('用法：npm run sample [-- --seed N]  或  npm run sample -- --province 100000 --out /tmp/province [--seed N]');
  process.exit(2);
}

let values: { province?: string; out?: string; seed?: string; content: string };
try {
  values = parseArgs({
    options: {
      province: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      content: { type: 'string', default: 'content' },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed 应为整数：${values.seed}`);

if (values.province !== undefined) {
  const auxiliaries = Number(values.province);
  if (!Number.isInteger(auxiliaries) || auxiliaries < 1) fail(`--province 应为正整数：${values.province}`);
  if (!values.out) fail('--province 需要 --out <目录>');
  const started = performance.now();
  await writeProvince(values.out, { auxiliaries, seed });
  console.log(`已写入 ${auxiliaries} 名辅助人员到 ${values.out}（${Math.round(performance.now() - started)} ms）`);
} else {
  const { files, auxiliaries } = await writeSample(values.content, seed);
  console.log(`已写入示例名单：${files.length} 个文件，${auxiliaries} 名辅助人员`);
  for (const file of files) console.log(`  ${file}`);
}
