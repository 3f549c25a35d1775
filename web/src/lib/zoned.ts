import { DateTime } from 'luxon';

/**
 * Dates and times in the workspace's time zone: the calendar's days and the composer's picker are
 * the workspace's wall clock, whatever the browser's zone is.
 */
export const inZone = (iso: string, zone: string): DateTime => DateTime.fromISO(iso, { zone });

/** 'YYYY-MM-DD' of an instant in the zone. */
export const dayOf = (iso: string, zone: string): string => inZone(iso, zone).toISODate() ?? '';

/** 'HH:mm' of an instant in the zone. */
export const timeOf = (iso: string, zone: string): string => inZone(iso, zone).toFormat('HH:mm');

/** The wall-clock time the API takes as `{ localTime }`: 'YYYY-MM-DDTHH:mm:ss'. */
export const localTime = (day: string, time: string): string => `${day}T${time.length === 5 ? `${time}:00` : time}`;

/** The same time of day on another day: what dragging a post on the calendar means. */
export const moveToDay = (iso: string, day: string, zone: string): string => localTime(day, inZone(iso, zone).toFormat('HH:mm:ss'));

export const today = (zone: string): string => DateTime.now().setZone(zone).toISODate() ?? '';

/** Short zone name for labels, e.g. "Europe/Paris (CET)". */
export function zoneLabel(zone: string): string {
  const short = DateTime.now().setZone(zone).toFormat('ZZZZ');
  const name = zone.replace(/_/g, ' ');
  return short && short !== zone ? `${name} (${short})` : name;
}

export const formatZoned = (iso: string, zone: string, format = "ccc d LLL, HH:mm"): string => inZone(iso, zone).toFormat(format);
