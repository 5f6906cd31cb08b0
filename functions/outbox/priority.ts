/**
 * Intake before mail in one process (`npm start`). The complaint intake and the in-process outbox loop share one
 * event loop; a mail costs several times the CPU of taking in a submission (building the message, base64 of the
 * evidence, the `.eml` or SMTP write, the renew and record transactions), so under a burst the loop would slow the
 * intake that the citizen is waiting on. Accepting a complaint durably comes first; its mail follows:
 *
 * - the intake marks each submission while it is taken in (`enter`, answered → the returned function);
 * - before each round the loop asks for its `turn`: at once when the intake is quiet (no submission in flight and
 *   none answered within `quietMs`), otherwise when the guaranteed share comes due — `shareEveryMs` after the end of
 *   its previous round — so under a sustained flood mail still leaves, one batch at a time, and never starves;
 * - once the intake is quiet the loop runs back to back again, at full speed.
 *
 * Only the in-process loop yields: a separate `npm run outbox` process has no intake to give way to.
 */

export interface IntakePriorityOptions {
  /** The intake counts as busy while a submission is in flight and for this long after the last one was answered; 0 = never hold back. */
  quietMs: number;
  /** While the intake is busy, the loop still runs one round (one batch) at least this long after its previous round ended. */
  shareEveryMs: number;
  /** Monotonic milliseconds (tests may pass their own); performance.now by default. */
  now?: () => number;
}

/** OUTBOX_INTAKE_QUIET_MS: a gap between submissions longer than any under load, short enough not to delay mail noticeably. */
export const DEFAULT_INTAKE_QUIET_MS = 250;
/** OUTBOX_BUSY_EVERY_MS: one batch (20 mails, ~100 ms of CPU) a second ≈ a tenth of the core for mail under a flood. */
export const DEFAULT_BUSY_EVERY_MS = 1000;

export interface IntakePriority {
  /** Marks one submission being taken in; call the returned function once it is answered (a second call does nothing). */
  enter(): () => void;
  /** Submissions are arriving: one is in flight, or one was answered within `quietMs`. */
  busy(): boolean;
  /**
   * Resolves when the loop may run its next round: `quiet` when the intake is quiet, `share` when it is busy but the
   * guaranteed share is due, `aborted` when the signal aborts.
   */
  turn(signal?: AbortSignal): Promise<'quiet' | 'share' | 'aborted'>;
  /** The loop ended a round (the share is counted from here). */
  roundEnded(): void;
}

export function intakePriority(options: IntakePriorityOptions): IntakePriority {
  const now = options.now ?? (() => performance.now());
  const quietMs = Math.max(0, options.quietMs);
  const shareEveryMs = Math.max(0, options.shareEveryMs);
  let inFlight = 0;
  let lastAnswered = Number.NEGATIVE_INFINITY;
  let lastRoundEnded = Number.NEGATIVE_INFINITY;
  const busy = () => quietMs > 0 && (inFlight > 0 || now() - lastAnswered < quietMs);
  return {
    enter() {
      inFlight++;
      let answered = false;
      return () => {
        if (answered) return;
        answered = true;
        inFlight--;
        lastAnswered = now();
      };
    },
    busy,
    async turn(signal) {
      for (;;) {
        if (signal?.aborted) return 'aborted';
        if (!busy()) return 'quiet';
        const at = now();
        const shareAt = lastRoundEnded + shareEveryMs;
        if (at >= shareAt) return 'share';
        // Look again when the share comes due, or when the intake would be quiet if nothing more arrives (with one
        // in flight, not before quietMs from now).
        const quietAt = inFlight > 0 ? at + quietMs : lastAnswered + quietMs;
        await sleep(Math.max(1, Math.min(shareAt, quietAt) - at), signal);
      }
    },
    roundEnded() {
      lastRoundEnded = now();
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
