import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SAMPLE_AGENCIES, shareOut } from './agencies.ts';
import { extensionOf, publishedRecord, writeExport } from './export.ts';
import { generatePeople, ROSTER_DATE } from './people.ts';
import { silhouettePng } from './photo.ts';
import { DEFAULT_SEED, rngFor } from './seed.ts';
import { sampleStyles } from './styles.ts';

export const SAMPLE_SIZE = 1000;
const PHOTO_AGENCY = 'renqiu-cgj';
const PHOTOS = 5;

export async function readAgencyNames(contentDir: string): Promise<Map<string, string>> {
  const list = parseYaml(await readFile(join(contentDir, 'agencies.yaml'), 'utf8')) as { id: string; name: string }[];
  return new Map(list.map((a) => [a.id, a.name]));
}

/**
 * Writes the committed sample rosters into `<contentDir>/rosters/` (replacing what is there): ~1,000
 * auxiliaries over the sample agencies, one export per agency in that agency's style. Returns, per person, the
 * published fields their row carries, which an import must give back.
 */
export async function writeSample(
  contentDir: string,
  seed = DEFAULT_SEED,
): Promise<{ files: string[]; auxiliaries: number; published: Record<string, string>[] }> {
  const names = await readAgencyNames(contentDir);
  const styles = sampleStyles(names);
  const rostersDir = join(contentDir, 'rosters');
  await rm(rostersDir, { recursive: true, force: true });
  const counts = shareOut(
    SAMPLE_SIZE,
    SAMPLE_AGENCIES.map((a) => a.weight),
  );
  const files: string[] = [];
  const published: Record<string, string>[] = [];
  for (const [i, plan] of SAMPLE_AGENCIES.entries()) {
    const name = names.get(plan.id);
    const style = styles[plan.id];
    if (!name || !style) throw new Error(`示例机关 ${plan.id} 不在 agencies.yaml 中或没有导出样式`);
    const rng = rngFor(seed, plan.id);
    const people = generatePeople(rng, { ...plan, name }, counts[i]!);
    if (plan.id === PHOTO_AGENCY) {
      await mkdir(join(rostersDir, plan.area, 'photos'), { recursive: true });
      for (const person of people.slice(0, PHOTOS)) {
        person.photo = `photos/${person.certificateNo}.png`;
        await writeFile(join(rostersDir, plan.area, person.photo), silhouettePng(rng));
      }
    }
    const file = join(rostersDir, plan.area, `${plan.id}-${ROSTER_DATE}.${extensionOf(style)}`);
    await writeExport(file, people, style, name);
    files.push(file);
    published.push(...people.map((person) => publishedRecord(person, style)));
  }
  return { files, auxiliaries: SAMPLE_SIZE, published };
}
