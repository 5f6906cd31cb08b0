import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DIRECTORY_FILE,
  DIRECTORY_FORMAT,
  DIRECTORY_READABLE_VERSIONS,
  DIRECTORY_VERSION,
  directoryFileSchema,
  directoryFromFile,
  directoryHeaderSchema,
  olderDirectoryNote,
  type Directory,
} from '../../src/core/directory.ts';
import { formatIssues } from '../../src/core/friendly-errors.ts';

/** Where the build writes the directory file under its output folder (OUT_DIR, default dist). */
export function directoryFilePath(outDir: string): string {
  return join(outDir, DIRECTORY_FILE);
}

const BUILD_HINT = '请先运行 npm run build（用同一个 CONTENT_DIR 和 OUT_DIR）生成它';

/** The directory file is missing, unreadable, of another version or malformed: names the file and the command that makes it. */
export class DirectoryFileError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`目录文件 ${path} ${problem}。${BUILD_HINT}。`);
    this.name = 'DirectoryFileError';
    this.path = path;
  }
}

/** Reads and checks the directory file the build wrote; throws DirectoryFileError when it cannot be used. */
export async function readDirectoryFile(path: string): Promise<Directory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DirectoryFileError(path, code === 'ENOENT' ? '不存在（站点还没有构建，或 OUT_DIR 指向别处）' : `无法读取（${code ?? (error as Error).message}）`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DirectoryFileError(path, `不是有效的 JSON（${(error as Error).message}），可能没有写完整`);
  }
  const header = directoryHeaderSchema.safeParse(data);
  if (!header.success) throw new DirectoryFileError(path, `不是公示的目录文件（缺少 format: "${DIRECTORY_FORMAT}" 或 version）`);
  if (!DIRECTORY_READABLE_VERSIONS.includes(header.data.version)) {
    const older = DIRECTORY_READABLE_VERSIONS.filter((v) => v !== DIRECTORY_VERSION);
    throw new DirectoryFileError(
      path,
      `的格式版本是 ${header.data.version}，而这一版的投诉功能只读版本 ${DIRECTORY_VERSION}${older.length ? `（以及更早的版本 ${older.join('、')}）` : ''}（构建和投诉功能来自不同版本的代码）`,
    );
  }
  const file = directoryFileSchema.safeParse(data);
  if (!file.success) throw new DirectoryFileError(path, `内容有误：${formatIssues(file.error.issues).slice(0, 5).join('；')}`);
  return directoryFromFile(file.data);
}

/** What tells one written file from the next: a new build replaces the file (new inode) or rewrites it. */
function identityOf(info: { ino: number; dev: number; size: number; mtimeMs: number }): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
}

export interface DirectorySource {
  /** The directory in use. */
  current(): Directory;
  /**
   * Looks at the file's identity (one stat, at most once per `checkMs`) and, when a new build has replaced it,
   * reads the new one. A new file that cannot be used is logged and the one in use is kept.
   */
  refresh(): Promise<void>;
  /** Reads the file now, whatever its identity (a deploy step may call this right after swapping a build in). */
  reload(): Promise<void>;
}

/** The line to log on reading a file of an older version that this code still reads: what it lacks, and the command that writes a new one. */
export function olderDirectoryLine(path: string, directory: Directory): string | undefined {
  const note = directory.version === undefined ? undefined : olderDirectoryNote(directory.version);
  return note && `[directory] ${path}：${note}。`;
}

/**
 * The directory file, read at start (a missing or unusable file stops the start with DirectoryFileError) and
 * re-read when its identity changes. Requests wait for a re-read that is under way, so the first answer after a
 * swap already uses the new build. A file of an older version is used, with a line saying what it lacks.
 */
export async function openDirectoryFile(
  path: string,
  options: { checkMs?: number; log?: (line: string) => void; now?: () => number } = {},
): Promise<DirectorySource> {
  const checkMs = options.checkMs ?? 1000;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const first = await stat(path).catch(() => undefined);
  let directory = await readDirectoryFile(path);
  const older = (read: Directory) => {
    const line = olderDirectoryLine(path, read);
    if (line) log(line);
  };
  older(directory);
  let identity = first ? identityOf(first) : '';
  let checkedAt = now();
  let pending: Promise<void> | undefined;

  const load = async (seen: string) => {
    try {
      directory = await readDirectoryFile(path);
      log(`[directory] 已载入新的目录文件（构建于 ${directory.builtAt}）`);
      older(directory);
    } catch (error) {
      log(`[directory] ${(error as Error).message} 继续使用构建于 ${directory.builtAt} 的目录。`);
    }
    identity = seen;
  };
  const check = async (force: boolean) => {
    checkedAt = now();
    // A folder being swapped may be missing for a moment: keep what is in use and look again next time.
    const info = await stat(path).catch(() => undefined);
    if (!info) return;
    const seen = identityOf(info);
    if (force || seen !== identity) await load(seen);
  };
  const run = (force: boolean) => {
    pending ??= check(force).finally(() => (pending = undefined));
    return pending;
  };
  return {
    current: () => directory,
    refresh: () => (pending ? pending : now() - checkedAt < checkMs ? Promise.resolve() : run(false)),
    reload: async () => {
      await pending;
      await run(true);
    },
  };
}
