/**
 * Instagram and Threads publish in two steps: create a media container, wait until Meta has
 * fetched and processed the media (status FINISHED), then publish the container. The steps are
 * kept apart on purpose:
 * - creating a container makes no post, so a failure there is safe to retry;
 * - waiting is a read, and its failure carries the container id (ContainerNotReady) so the caller
 *   resumes with the same container instead of making another one;
 * - publishing is sent exactly once per container; if its outcome is unknown the error carries the
 *   container id (ContainerOutcomeUnknown), whose status tells later whether it was PUBLISHED.
 */
import { OutcomeUnknown, Rejected, Transient, type ConnectorErrorDetails } from '../errors.ts';

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

export interface ContainerState {
  status: string;
  /** Why it failed: Instagram's `status` ("Error: 2207026"), Threads' `error_message`. */
  detail?: string;
}

/** The container is still processing: resume later with `containerId`; nothing was posted. */
export class ContainerNotReady extends Transient {
  constructor(network: string, readonly containerId: string, message: string, details: ConnectorErrorDetails = {}) {
    super(network, message, details);
  }
}

/** Publishing the container may or may not have happened: check the container's status. */
export class ContainerOutcomeUnknown extends OutcomeUnknown {
  constructor(network: string, readonly containerId: string, message: string, details: ConnectorErrorDetails = {}) {
    super(network, message, details);
  }
}

export interface WaitOptions {
  network: string;
  containerId: string;
  read: () => Promise<ContainerState>;
  sleep: (ms: number) => Promise<void>;
  /** Explain an ERROR status to a user. */
  explain: (detail: string | undefined) => string;
  /** Total time to wait before giving up with ContainerNotReady. Video can take minutes. */
  budgetMs?: number;
}

/**
 * Poll until the container can be published. Backoff 1 s, 2 s, 4 s … capped at 10 s: images are
 * usually ready at the first look, video needs the longer waits.
 */
export async function waitForContainer(o: WaitOptions): Promise<'FINISHED' | 'PUBLISHED'> {
  const budget = o.budgetMs ?? 5 * 60_000;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    const state = await o.read();
    const status = state.status.toUpperCase();
    if (status === 'FINISHED' || status === 'PUBLISHED') return status;
    if (status === 'ERROR') throw new Rejected(o.network, o.explain(state.detail), { networkCode: state.detail ?? 'ERROR' });
    if (status === 'EXPIRED') {
      throw new Rejected(o.network, `the media container ${o.containerId} expired before it was published (containers live 24 hours); publish again.`);
    }
    const delay = Math.min(10_000, 1000 * 2 ** attempt);
    if (waited + delay > budget) {
      throw new ContainerNotReady(o.network, o.containerId, `${o.network} is still processing the media (container ${o.containerId}, status ${status}); resume publishing it later.`);
    }
    await o.sleep(delay);
    waited += delay;
  }
}

/**
 * Send the publish call once. Any error whose outcome is unknown becomes ContainerOutcomeUnknown
 * so the caller can look at the container instead of publishing again.
 */
export async function publishOnce<T>(network: string, containerId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof OutcomeUnknown && !(e instanceof ContainerOutcomeUnknown)) {
      throw new ContainerOutcomeUnknown(network, containerId, `${e.message} (container ${containerId}: check its status before publishing again)`, {
        ...(e.status !== undefined ? { status: e.status } : {}),
        cause: e,
      });
    }
    throw e;
  }
}

/** Containers not published within 24 hours expire (IG Container and Threads troubleshooting references). */
export const CONTAINER_LIFETIME_MS = 24 * 3600_000;

/** Media published up to this long before the container's recorded creation still count (clock skew). */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A checkpointed container from an earlier attempt: 'reuse' it (wait for it, publish it, or find
 * the post it became; never a second container for the same post), or make a 'new' one because it
 * expired unpublished, so nothing was posted. A container the network no longer knows before its
 * 24 hours are up cannot be explained: that is an unknown outcome, for a person to check.
 */
export async function reuseOrReplace(o: {
  network: string;
  containerId: string;
  createdAt: string | undefined;
  /** The container's state, or null when the network answers that it does not exist. */
  read: () => Promise<ContainerState | null>;
  now: Date;
}): Promise<'reuse' | 'new'> {
  const state = await o.read();
  if (state?.status.toUpperCase() === 'EXPIRED') return 'new';
  if (state) return 'reuse';
  const age = o.createdAt ? o.now.getTime() - Date.parse(o.createdAt) : Number.NaN;
  if (age >= CONTAINER_LIFETIME_MS) return 'new';
  throw new ContainerOutcomeUnknown(o.network, o.containerId, `${o.network} no longer knows the media container ${o.containerId} made for this post, so whether it was published cannot be told.`);
}

/**
 * The post a container became, when the network says it was PUBLISHED but not as what: Graph links
 * no container to its media, so the candidates are the account's posts made since the container
 * with the same text. Exactly one such post is the answer; none or several cannot be told apart.
 */
export function postFromContainer<T extends { timestamp: string }>(o: {
  network: string;
  containerId: string;
  createdAt: string | undefined;
  candidates: T[];
  matches: (candidate: T) => boolean;
}): T {
  const from = o.createdAt ? Date.parse(o.createdAt) - CLOCK_SKEW_MS : Number.NEGATIVE_INFINITY;
  const found = o.candidates.filter((m) => Date.parse(m.timestamp) >= from && o.matches(m));
  if (found.length === 1) return found[0]!;
  throw new ContainerOutcomeUnknown(
    o.network,
    o.containerId,
    found.length === 0
      ? `${o.network} says container ${o.containerId} was published, but no recent post of the account has its text.`
      : `${o.network} says container ${o.containerId} was published, and ${found.length} recent posts have its text.`,
  );
}
