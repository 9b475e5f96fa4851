/**
 * Retention decides what expired from the wall clock: a clock that jumps
 * forward (a wrong NTP answer putting the box in 2031) would make every
 * segment look expired and delete it all. The scheduled run therefore compares
 * the wall time elapsed since the last run that went ahead with the monotonic
 * time elapsed; when the wall clock ran ahead by more than the tolerance, the
 * run deletes nothing, says so (log and audit) and the next run checks again.
 *
 * A run someone asked for (POST /api/retention/run) is a person's decision and
 * is not guarded: it is how an administrator confirms a legitimate clock
 * change, and the schedule takes its clock as the new reference. A restart does
 * too (the first run of a process has no earlier reading to compare with).
 */
import type { RetentionRunOptions, RetentionService, RetentionSummary } from '../recording/retention-run.js';
import type { AuditRepository } from '../store/audit-repository.js';
import { SYSTEM_ACTOR } from '../store/audit-repository.js';
import { detectClockJump, formatDuration, readClock, type Clock, type ClockJump, type ClockReading } from './clock.js';

/** A forward jump beyond this (on top of the time that really passed) stops the deletion pass. */
export const RETENTION_JUMP_TOLERANCE_MS = 3_600_000;

export type RetentionClockVerdict =
  | { readonly run: true; readonly reading: ClockReading }
  | { readonly run: false; readonly reading: ClockReading; readonly jump: ClockJump; readonly message: string };

/**
 * Whether a scheduled run may delete (pure). `lastRun`: the clocks at the last run
 * that went ahead in this process (null: none yet, the clock is taken as it is).
 * Only a forward jump is refused: a clock behind makes retention delete less, never more.
 */
export function retentionClockVerdict(lastRun: ClockReading | null, now: ClockReading, toleranceMs: number = RETENTION_JUMP_TOLERANCE_MS): RetentionClockVerdict {
  if (lastRun === null) return { run: true, reading: now };
  const jump = detectClockJump(lastRun, now, toleranceMs);
  if (jump === null || jump.direction === 'backward') return { run: true, reading: now };
  const message =
    `retention skipped: the wall clock jumped forward by ${formatDuration(jump.sizeMs)} since the last run ` +
    `(${new Date(lastRun.wallMs).toISOString()} -> ${new Date(now.wallMs).toISOString()} in ${formatDuration(now.monoMs - lastRun.monoMs)} of real time), ` +
    'so footage could look expired when it is not; nothing was deleted. Fix the clock (NTP) and the next hourly run proceeds; ' +
    'if the new time is right, confirm it with one run through POST /api/retention/run (permission retention.manage) or restart Vigie';
  return { run: false, reading: now, jump, message };
}

export interface ClockGuardedRetention {
  /** The service with its runs taken as the schedule's new clock reference (for the API and the console). */
  readonly service: RetentionService;
  /** The hourly run: the summary when it went ahead, null when a clock jump held it back (logged and audited). */
  runScheduled(): Promise<RetentionSummary | null>;
}

export interface ClockGuardOptions {
  readonly clock: Clock;
  readonly audit: Pick<AuditRepository, 'append'>;
  readonly print: (line: string) => void;
  readonly toleranceMs?: number;
}

export function guardRetentionAgainstClockJumps(inner: RetentionService, options: ClockGuardOptions): ClockGuardedRetention {
  let lastRun: ClockReading | null = null;
  /** Runs that really deleted (not dry runs) become the reference: a person's run confirms the clock. */
  const run = async (runOptions: RetentionRunOptions | undefined, reading: ClockReading): Promise<RetentionSummary> => {
    const summary = await inner.run(runOptions);
    if (runOptions?.dryRun !== true) lastRun = reading;
    return summary;
  };
  return {
    service: {
      run: (runOptions) => run(runOptions, readClock(options.clock)),
      storageAlert: () => inner.storageAlert(),
    },
    async runScheduled() {
      const verdict = retentionClockVerdict(lastRun, readClock(options.clock), options.toleranceMs);
      if (verdict.run) return run({ trigger: 'schedule' }, verdict.reading);
      options.print(verdict.message);
      await options.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'retention.skipped',
        target: null,
        details: {
          reason: 'clock_jump',
          jump_s: Math.round(verdict.jump.sizeMs / 1000),
          wall_now: new Date(verdict.reading.wallMs).toISOString(),
          last_run: lastRun === null ? null : new Date(lastRun.wallMs).toISOString(),
        },
      });
      return null;
    },
  };
}
