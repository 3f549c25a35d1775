import { DateTime } from 'luxon';
import { z } from 'zod';
import { invalid } from '../core/errors.ts';

/**
 * When to publish: an exact instant (ISO 8601 with an offset or Z), or a wall-clock time in the
 * workspace's time zone ("2026-03-29T02:30"), which is what people pick on a calendar.
 */
export const whenInput = z.union([
  z.object({ at: z.iso.datetime({ offset: true }) }),
  z.object({ localTime: z.iso.datetime({ local: true }) }),
]);
export type WhenInput = z.infer<typeof whenInput>;

/**
 * Resolves a wall-clock time in `zone` to an instant. Times that do not exist (the hour skipped
 * when clocks go forward) are refused rather than silently moved; times that happen twice (the
 * hour repeated when clocks go back) resolve to the first occurrence.
 */
export function resolveWhen(when: WhenInput, zone: string): Date {
  if ('at' in when) return new Date(when.at);
  const local = DateTime.fromISO(when.localTime, { zone });
  if (!local.isValid) throw invalid('localTime', `Not a valid time: ${local.invalidExplanation ?? when.localTime}.`);
  const wall = DateTime.fromISO(when.localTime, { zone: 'utc' });
  if (local.hour !== wall.hour || local.minute !== wall.minute) {
    throw invalid('localTime', `${when.localTime} does not exist in ${zone}: the clocks skip that hour. Pick another time.`);
  }
  // Luxon picks the later offset for a repeated hour in some zones; prefer the earlier one.
  const earlier = local.minus({ hours: 1 });
  if (earlier.hour === local.hour && earlier.minute === local.minute && earlier.offset !== local.offset) return earlier.toJSDate();
  return local.toJSDate();
}

export const toLocalTime = (instant: Date, zone: string): string =>
  DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
