import type { RebuildProgress } from '../projections/shadow-build.js';
import { formatPosition } from '../eventstore/position.js';

const WIDTH = 28;
const REDRAW_MS = 100;

const number = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * `events` applied in `seconds` as a rate for people: two significant digits under ten a
 * second, so a slow run never reads as `0 events/s`; undefined when there is nothing to
 * measure (no events, no time).
 */
export const eventRate = (events: number, seconds: number): string | undefined => {
  if (!(events > 0) || !(seconds > 0)) return undefined;
  const rate = events / seconds;
  return `${rate < 10 ? String(Number(rate.toPrecision(2))) : number(rate)} events/s`;
};

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

const PHASES: Record<RebuildProgress['phase'], string> = {
  building: 'building',
  waiting_for_lock: 'caught up, waiting for the live runner to let go of its lock',
  swapping: 'swapping',
  comparing: 'comparing',
  done: 'done',
};

/**
 * A one-line progress bar on stderr: events applied / total, events per second, time
 * left. Redrawn in place on a terminal; elsewhere (CI, a pipe, a log file) it stays quiet
 * and only the final line is written.
 */
export class ProgressBar {
  private readonly tty: boolean;
  private readonly startedAt = Date.now();
  /**
   * The first report and when it came: rates are measured from there, since the first report
   * may come only after a batch (or a resumed run's earlier events) was applied.
   */
  private baseline: { applied: number; at: number } | undefined;
  private last: RebuildProgress | undefined;
  private drawnAt = 0;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  readonly update = (progress: RebuildProgress): void => {
    this.baseline ??= { applied: progress.applied, at: Date.now() };
    const phaseChanged = this.last?.phase !== progress.phase;
    this.last = progress;
    if (!this.tty) return;
    const now = Date.now();
    if (!phaseChanged && now - this.drawnAt < REDRAW_MS) return;
    this.drawnAt = now;
    this.stream.write(`\r\x1b[2K${this.line(progress)}`);
  };

  /** Clears the bar and writes `summary` (or the last state) as the final line. */
  finish(summary?: string): void {
    if (this.tty) this.stream.write('\r\x1b[2K');
    const text = summary ?? (this.last ? this.line(this.last) : undefined);
    if (text) this.stream.write(`${text}\n`);
  }

  /** Events per second since the first report; undefined until two reports apart in time say. */
  rate(): number | undefined {
    if (!this.baseline || !this.last) return undefined;
    const [events, seconds] = [this.last.applied - this.baseline.applied, (Date.now() - this.baseline.at) / 1000];
    return events > 0 && seconds > 0 ? events / seconds : undefined;
  }

  elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  private line(p: RebuildProgress): string {
    const rate = this.rate();
    const speed = rate === undefined ? '' : `, ${eventRate(rate, 1)}`;
    const at = p.position ? ` @${formatPosition(p.position)}` : '';
    if (p.total === undefined) return `${this.label} ${PHASES[p.phase]}: ${number(p.applied)} events${at}${speed}`;
    const fraction = p.total === 0 ? 1 : Math.min(1, p.applied / p.total);
    const filled = Math.round(fraction * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const left = rate === undefined ? '' : `, ${duration((p.total - p.applied) / rate)} left`;
    const percent = `${(fraction * 100).toFixed(0).padStart(3)}%`;
    return `${this.label} [${bar}] ${percent} ${number(p.applied)}/${number(p.total)} events${speed}${left}${p.phase === 'building' ? '' : ` (${PHASES[p.phase]})`}`;
  }
}
