/**
 * The one source of "now". Tests freeze or move time through `setClock`; production code never
 * calls `Date.now()` directly so that schedules, expiry and rate limits can be tested exactly.
 */
let current: () => Date = () => new Date();

export const now = (): Date => current();
export const setClock = (fn: () => Date): void => {
  current = fn;
};
export const resetClock = (): void => {
  current = () => new Date();
};
export const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);
