import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { contentErrors } from '../core/content-errors.ts';
import { messageOf, withHint } from '../core/error-data.ts';
import { ContentError } from '../core/friendly-errors.ts';

/**
 * Reads and parses one YAML file of the content folder, the one way every loader does it: a file that cannot be
 * read or parsed is a ContentError naming it. An absent file is `undefined` when it is `optional` (the loader then
 * applies its defaults), and a problem otherwise.
 */
export async function readYamlFile(path: string, { optional = false } = {}): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (optional) return undefined;
      throw new ContentError(path, [messageOf(contentErrors.FileMissing)]);
    }
    throw new ContentError(path, [withHint(contentErrors.Unreadable, (error as Error).message)]);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ContentError(path, [withHint(contentErrors.BadYaml, (error as Error).message)]);
  }
}
