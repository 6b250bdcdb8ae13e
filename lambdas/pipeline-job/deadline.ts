/**
 * The job's deadline, armed before the job does anything else. Two signals:
 * - `signal` aborts RESERVE_MS before the Lambda deadline: every AWS call of the work (the state
 *   bucket claim, the input artifact, Organizations) carries it, so a call in flight is cut there;
 * - `reportSignal` aborts LAST_WORD_MS before the Lambda deadline: reporting the result (and saving a
 *   continuation) carries it, so a CodePipeline endpoint that never answers still leaves time to log
 *   that the result could not be sent.
 * A timer cannot fire while a CPU-bound step runs (parsing, inflating: each bounded by the input
 * limits), so `begin` and `check` also compare the clock (the Lambda's remaining time) between steps.
 * The DeadlineError says which step did not finish and which calls were waiting for an answer.
 */
import { type CallWatch, sharedSignal } from '../adapters/aws/bounded-calls.ts';
import { DeadlineError } from '../domain/errors.ts';

interface Step {
  /** What the job is doing, as the message says it: "reading the input artifact s3://…". */
  doing: string;
  /** What to do about it: the message's last sentence. */
  hint: string;
}

export const RAISE_TIMEOUT = 'Raise the function timeout (up to 15 minutes).';

/** Time kept back from the Lambda deadline to log that the result could not be sent. */
const LAST_WORD_MS = 1_000;

/** A call in flight for less than this is not waiting for an answer yet; the message leaves it out. */
const WAITING_MS = 1_000;

interface DeadlineOptions {
  /** Milliseconds the Lambda has left: `context.getRemainingTimeInMillis`. */
  remainingMs(): number;
  /** Milliseconds kept back for reporting: the work stops this long before the Lambda deadline. */
  reserveMs: number;
  /** Schedules the work deadline (tests fire it when they choose); returns a function that cancels it. */
  schedule(callback: () => void, ms: number): () => void;
  watch: CallWatch;
}

export function scheduleTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

export class JobDeadline {
  /** Working time from the job's start to the work deadline. */
  readonly budgetMs: number;
  private readonly work = new AbortController();
  private readonly reporting = new AbortController();
  private readonly cancels: (() => void)[];
  private step: Step = { doing: 'starting the job', hint: RAISE_TIMEOUT };

  constructor(private readonly options: DeadlineOptions) {
    sharedSignal(this.work.signal);
    sharedSignal(this.reporting.signal);
    const remaining = options.remainingMs();
    this.budgetMs = Math.max(0, remaining - options.reserveMs);
    const lastWord = new Error(`the Lambda deadline is ${LAST_WORD_MS / 1000} s away`);
    this.cancels = [
      options.schedule(() => this.expire(), this.budgetMs),
      scheduleTimer(() => this.reporting.abort(lastWord), Math.max(0, remaining - LAST_WORD_MS)),
    ];
  }

  get signal(): AbortSignal {
    return this.work.signal;
  }

  get reportSignal(): AbortSignal {
    return this.reporting.signal;
  }

  /** Names the step the job starts; throws the DeadlineError if the deadline has passed already. */
  begin(step: Step): void {
    this.check();
    this.step = step;
  }

  /** Throws the DeadlineError once the work deadline has passed, by its timer or by the clock. */
  check(): void {
    if (this.options.remainingMs() <= this.options.reserveMs) this.expire();
    if (this.work.signal.aborted) throw this.work.signal.reason;
  }

  private expire(): void {
    if (this.work.signal.aborted) return;
    const waiting = this.options.watch.describe(WAITING_MS);
    const message = `stopped ${Math.round(this.options.reserveMs / 1000)} s before the Lambda deadline: ${this.step.doing} did not finish in ${Math.round(this.budgetMs / 1000)} s${waiting ? ` (${waiting})` : ''}. ${this.step.hint}`;
    this.work.abort(new DeadlineError(message));
  }

  cancel(): void {
    for (const cancel of this.cancels) cancel();
  }
}
