/** The outbox benches' backlog: island-like submissions through the real intake of the code at `root`, in-process. */
import { join } from 'node:path';
import { islandBody } from './island-post.ts';

/**
 * Writes the directory file as that code's own build does (its format may differ from another checkout's), opens
 * its app as `npm start` does (rate limit lifted), and posts `mails` submissions, 16 at a time (one mail each: the
 * island's fields carry no e-mail address). The caller closes the app.
 */
export async function openFilledApp(root: string, env: NodeJS.ProcessEnv, outDir: string, mails: number) {
  const { loadSite } = await import(join(root, 'src/import/site.ts'));
  const { writeDirectoryFile } = await import(join(root, 'src/build/directory/write.ts'));
  await writeDirectoryFile(await loadSite(join(root, 'content')), outDir);
  const { readSettings } = await import(join(root, 'src/core/settings.ts'));
  const { createApp } = await import(join(root, 'functions/server/app.ts'));
  const app = await createApp(readSettings(env), { env, limits: { rateBurst: 1e9, ratePerSecond: 1e9 }, log: () => undefined });
  try {
    for (let n = 0; n < mails; n += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, mails - n) }, async (_, k) => {
          const { body, headers } = islandBody(n + k, 'RQCG-2024-0001');
          const request = new Request('http://localhost/api/complaints', { method: 'POST', headers, body });
          const response = await app.functions(request, { clientAddress: '127.0.0.1' });
          if (response?.status !== 201) throw new Error(`submission answered ${response?.status}: ${await response?.text()}`);
        }),
      );
    }
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
