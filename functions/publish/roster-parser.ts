import { Worker } from 'node:worker_threads';
import type { Agency } from '../../src/core/registry/schema.ts';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { importRosters, type RosterResult } from '../../src/import/roster/index.ts';

/** One uploaded file to read for the signed-in agency. */
export interface RosterParseInput {
  /** The name shown to the clerk. */
  fileName: string;
  bytes: Uint8Array;
  /** The signed-in agency: rows that name no unit are its people. */
  agencyId: string;
  /** The registry's agencies (the directory's), to check units against. */
  agencies: readonly Agency[];
  /** Today in China (YYYY-MM-DD), for roster dates ahead. */
  today: string;
  /**
   * Keep where each person was read (RosterResult.locations: row and certificate-number column), for problems found
   * after the import. A Map of plain objects: it crosses from the reading thread by structured clone.
   */
  locations?: boolean;
}

/**
 * The import's result, or why there is none: 503 while another upload is being read (try again soon), 422 when the
 * file outgrew the thread's time or memory (the file has to change). Nothing is stored either way.
 */
export type RosterParseOutcome = { ok: true; result: RosterResult } | { ok: false; status: 422 | 503; reason: string };

export interface RosterParser {
  parse(input: RosterParseInput): Promise<RosterParseOutcome>;
}

/** What the reading thread posts: that the spreadsheet reader starts (a workbook, after the zip limits), then the result. */
export type ParseMessage = { reading: true } | { result: RosterResult };

export interface ParserLimits {
  maxHeapMb: number;
  timeoutMs: number;
}

/**
 * The platform's limits for reading one upload (policy, not law). A whole province's roster of 100,000 rows as
 * one LibreOffice XLSX took 8.8 s and 594 MB peak RSS to check on the 2-core development machine
 * (docs/ROSTERS.md): a heap of 1 GiB and 50 s leave it room. 50 s, and not more, because a proxy in front
 * commonly gives up after 60 s, and the clerk should see this platform's message rather than the proxy's.
 */
export const UPLOAD_PARSE_LIMITS: ParserLimits = { maxHeapMb: 1024, timeoutMs: 50_000 };

const RESAVE = '请在 Excel 或 WPS 中删去多余的工作表、空白行和列后重新保存，或另存为 CSV（读取时占用的内存少得多），或按单位分成几个文件后分别上传。';

/**
 * Reads uploads in a worker thread, one at a time: a workbook is read by SheetJS synchronously, and on the request
 * thread a large or pathological file (within the zip limits) would hold up every other request of the process —
 * complaint intake included — for as long as it takes. Here the request thread only waits for a message. The thread
 * gets a heap limit and a time limit; past either it is ended and the clerk told why. While one upload is being read
 * a second is refused (503, try again in a minute) rather than queued: each waiting upload would hold its bytes,
 * and two readings at once would double the memory the limit is meant to bound. A fresh thread for every upload
 * gives all its memory back when it ends; starting it costs a fraction of a second, against seconds of reading.
 */
export function workerRosterParser(options: Partial<ParserLimits> & { onReading?: () => void } = {}): RosterParser {
  const limits = { ...UPLOAD_PARSE_LIMITS, ...options };
  let running = false;
  return {
    async parse(input) {
      if (running) {
        return {
          ok: false,
          status: 503,
          reason: `服务器正在检查另一份上传的名单（为不影响网站的查询和投诉，一次只检查一份），「${input.fileName}」未读取。请在 1 分钟后重新上传。`,
        };
      }
      running = true;
      try {
        return await inWorker(input, limits, options.onReading);
      } finally {
        running = false;
      }
    },
  };
}

function inWorker(input: RosterParseInput, limits: ParserLimits, onReading: (() => void) | undefined): Promise<RosterParseOutcome> {
  return new Promise<RosterParseOutcome>((resolve, reject) => {
    const worker = new Worker(new URL('./roster-parse-worker.ts', import.meta.url), {
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      settle(() =>
        resolve({
          ok: false,
          status: 422,
          reason: `检查「${input.fileName}」超过 ${duration(limits.timeoutMs)}（本平台的上限）仍未完成，已停止，没有保存任何内容。${RESAVE}`,
        }),
      );
      void worker.terminate();
    }, limits.timeoutMs);
    worker.on('message', (message: ParseMessage) => {
      if ('reading' in message) onReading?.();
      else settle(() => resolve({ ok: true, result: message.result }));
    });
    worker.once('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        settle(() =>
          resolve({
            ok: false,
            status: 422,
            reason: `检查「${input.fileName}」所需的内存超过本平台的上限（${limits.maxHeapMb} MB），已停止，没有保存任何内容。${RESAVE}`,
          }),
        );
      } else settle(() => reject(error));
    });
    worker.once('exit', (code) => settle(() => reject(new Error(`the roster reading thread ended (exit code ${code}) without a result`))));
  });
}

/** `50 秒`, or `1 毫秒` below a second. */
function duration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} 秒` : `${ms} 毫秒`;
}

/**
 * Reads uploads on the calling thread. For a serverless instance, which answers one request at a time (the next
 * one goes to another instance) and whose bundle holds no separate worker file: a file there holds up only the
 * instance reading it, within the platform's own time and memory limits. The zip limits apply either way.
 */
export function inProcessRosterParser(options: { onReading?: () => void } = {}): RosterParser {
  return {
    async parse(input) {
      const registry = checkRegistry(input.agencies, new Set(input.agencies.map((a) => a.regulation)), '机关名录');
      const result = await importRosters([{ file: input.fileName, bytes: input.bytes, mapping: { agency: input.agencyId } }], registry, {
        today: input.today,
        ...(input.locations ? { locations: true } : {}),
        ...(options.onReading ? { onWorkbookRead: options.onReading } : {}),
      });
      return { ok: true, result };
    },
  };
}
