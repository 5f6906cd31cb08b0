import { folderFailure, makeFolder } from '../store/make-folder.ts';

/**
 * The .eml folder (no SMTP_URL) cannot be made: `npm start` and `npm run outbox` print the message and stop, as for a
 * missing key or a store that cannot be opened.
 */
export class EmlFolderError extends Error {
  override name = 'EmlFolderError';
}

/**
 * Makes the folder the .eml mailer writes to (`<VAR_DIR>/outbox`, 0700) at start rather than at the first message: with
 * the store elsewhere (PostgreSQL) and SECRET set, nothing else needs VAR_DIR, and a VAR_DIR where no folder can be made
 * (under /proc) let the server start and queue mail it could never write (operator trial).
 */
export function makeEmlFolder(dir: string, varDir: string): void {
  try {
    makeFolder(dir, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'Error';
    throw new EmlFolderError(
      `VAR_DIR（${varDir}）下的邮件文件夹 ${dir} 无法创建（${code}），没有设置 SMTP_URL 时邮件写成 .eml 文件存放在这里：请把 VAR_DIR 设为本机上可写的目录（${folderFailure(code)}），或设置 SMTP_URL。`,
    );
  }
}
