import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const passwordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(256, 'Use at most 256 characters.');

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

/**
 * Checks a password against a stored hash. With no stored hash (unknown user, or an invited user
 * who has not set one), still spends the same time hashing, so that response time does not tell
 * an attacker which emails have accounts.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    await hash(password, OPTIONS);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
