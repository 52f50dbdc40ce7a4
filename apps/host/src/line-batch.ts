/**
 * Where log lines wait before they reach their file descriptor. Writing each line to sonic-boom
 * cost more than building it: every `write` measures the byte length of the line and of the whole
 * pending buffer. A batch appends to a string and hands the destination one piece per 16 KiB, per
 * 100 ms, or when flushed (and at exit), so a busy server pays a string append per line.
 * @module
 */

/** What a batch writes to: pino's destination (sonic-boom). @internal */
export interface LineDestination {
  /** `ascii`: every character of `data` is ASCII, so it may be encoded byte for byte. */
  write(data: string, ascii?: boolean): boolean;
  flushSync(): void;
}

/** Batches still alive, flushed when the process exits (weakly held: a dropped logger is not kept). */
const live = new Set<WeakRef<LineBatch>>();
const forget = new FinalizationRegistry<WeakRef<LineBatch>>((ref) => live.delete(ref));
let exitHooked = false;

function flushAllAtExit(): void {
  for (const ref of live) {
    try {
      ref.deref()?.flushSync();
    } catch {
      // A destination already closed (or a broken pipe) must not stop the others flushing.
    }
  }
}

/**
 * One ordered stream of lines in front of a destination: pino writes its lines here and the fast
 * request line does too, so lines keep the order they were logged in.
 * @internal
 */
export class LineBatch {
  #pending = "";
  /** Whether every line pending was written as known ASCII. */
  #ascii = true;
  #timer: NodeJS.Timeout | undefined;
  readonly #dest: LineDestination;
  readonly #maxChars: number;
  readonly #everyMs: number;

  constructor(dest: LineDestination, options: { maxChars?: number; everyMs?: number } = {}) {
    this.#dest = dest;
    this.#maxChars = options.maxChars ?? 16_384;
    this.#everyMs = options.everyMs ?? 100;
    const ref = new WeakRef(this);
    live.add(ref);
    forget.register(this, ref);
    if (!exitHooked) {
      exitHooked = true;
      process.once("exit", flushAllAtExit);
    }
  }

  /**
   * Queue `data` (whole lines); `ascii` when the writer knows every character is ASCII (the request
   * line). Always `true`: the batch never asks pino to wait.
   */
  write(data: string, ascii = false): boolean {
    this.#pending += data;
    if (!ascii) this.#ascii = false;
    if (this.#pending.length >= this.#maxChars) this.#drain();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(this.#tick, this.#everyMs);
      this.#timer.unref();
    }
    return true;
  }

  /** Hand everything queued to the destination and write it out now. */
  flushSync(): void {
    this.#drain();
    this.#dest.flushSync();
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    this.#drain();
  };

  #drain(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending === "") return;
    const out = this.#pending;
    const ascii = this.#ascii;
    this.#pending = "";
    this.#ascii = true;
    this.#dest.write(out, ascii);
  }
}
