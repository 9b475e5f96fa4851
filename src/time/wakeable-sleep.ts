/** A pause that a stop can cut short (backoffs between retries). */
export interface WakeableSleep {
  /** Resolves after `ms`, or as soon as `wake` is called. */
  sleep(ms: number): Promise<void>;
  /** Ends the pause in progress now (nothing when none is). */
  wake(): void;
}

export function createWakeableSleep(): WakeableSleep {
  let wakeNow: (() => void) | null = null;
  return {
    sleep: (ms) =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          wakeNow = null;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wakeNow = done;
      }),
    wake: () => wakeNow?.(),
  };
}
