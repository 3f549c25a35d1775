import { z } from 'zod';

export const isTimezone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** An IANA time zone name such as Europe/Paris, as the runtime's time zone database knows it. */
export const timezoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimezone, { message: 'Unknown time zone: use an IANA name such as Europe/Paris.' });
