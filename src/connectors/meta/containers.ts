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
