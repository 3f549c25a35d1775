import { eq } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import type { Tx } from '../core/db.ts';
import { findUserById } from '../auth/users.ts';
import { notify } from '../notifications/service.ts';
import { postToSlack, textWithButtons } from '../integrations/slack.ts';
import { posts } from '../publishing/schema.ts';
import { stepApprovers, workspacePeople } from './approvers.ts';
import { contentText } from './content.ts';
import { createLinks, LINK_LIFETIME_HOURS, type LinkVia } from './links.ts';
import { hasSlackWebhook, openSlackWebhook } from './slack-webhooks.ts';
import { approvalRequests } from './schema.ts';

export const DELIVER_JOB = 'approvals.deliver';
export type ApprovalRequest = typeof approvalRequests.$inferSelect;

/** The people whose post this is: who submitted it and who wrote it. */
export async function ownersOf(db: Tx, request: Pick<ApprovalRequest, 'postId' | 'submittedBy'>): Promise<string[]> {
  const [post] = await db.select({ authorId: posts.authorId }).from(posts).where(eq(posts.id, request.postId));
  return [...new Set([request.submittedBy, post?.authorId].filter((id): id is string => Boolean(id)))];
}

const queueLink = (request: ApprovalRequest) => `/w/${request.workspaceId}/approvals?request=${request.id}`;
const postLink = (request: ApprovalRequest) => `/w/${request.workspaceId}/publish/posts/${request.postId}`;

/**
 * Tells everyone who may decide the request's current step: in the app at once, and by email and
 * Slack through jobs (each carries its own one-click links), so that a slow mail server or Slack
 * never holds the transaction up.
 */
export async function announceStep(chorus: Chorus, tx: Tx, request: ApprovalRequest): Promise<void> {
  const step = request.steps[request.currentStep]!;
  const owners = await ownersOf(tx, request);
  const approvers = stepApprovers(step, await workspacePeople(tx, request.workspaceId)).filter((p) => request.allowSelfApproval || !owners.includes(p.userId));
  const stepLabel = request.steps.length > 1 ? ` (step ${request.currentStep + 1} of ${request.steps.length}: ${step.name})` : '';
  for (const person of approvers) {
    await notify(chorus, tx, {
      userId: person.userId,
      workspaceId: request.workspaceId,
      kind: 'approval.requested',
      title: `A post waits for your approval${stepLabel}`,
      body: contentText(request.content),
      link: queueLink(request),
      email: false,
    });
    const target = { requestId: request.id, step: request.currentStep, userId: person.userId };
    if (chorus.mailer) await chorus.jobs.send(DELIVER_JOB, { ...target, via: 'email' }, { singletonKey: `${request.id}:${request.currentStep}:${person.userId}:email` }, tx);
    if (await hasSlackWebhook(tx, person.userId)) await chorus.jobs.send(DELIVER_JOB, { ...target, via: 'slack' }, { singletonKey: `${request.id}:${request.currentStep}:${person.userId}:slack` }, tx);
  }
}

/** Tells the post's author and submitter what became of it. */
export async function tellOwners(chorus: Chorus, tx: Tx, request: ApprovalRequest, message: { kind: string; title: string; body: string }) {
  for (const userId of await ownersOf(tx, request)) {
    await notify(chorus, tx, { userId, workspaceId: request.workspaceId, ...message, link: postLink(request) });
  }
}

/**
 * Sends one approver the request by email or Slack, with fresh one-click links. Does nothing once
 * the step was decided (a late job must not send links that could only be refused).
 */
export async function deliverRequest(chorus: Chorus, target: { requestId: string; step: number; userId: string; via: LinkVia }): Promise<void> {
  const [request] = await chorus.db.select().from(approvalRequests).where(eq(approvalRequests.id, target.requestId));
  if (!request || request.status !== 'pending' || request.currentStep !== target.step) return;
  const user = await findUserById(chorus.db, target.userId);
  if (!user || user.disabledAt) return;
  const webhook = target.via === 'slack' ? await openSlackWebhook(chorus.db, chorus.config.secretKey, user.id) : null;
  if (target.via === 'slack' && !webhook) return;
  if (target.via === 'email' && !chorus.mailer) return;
  const tokens = await chorus.db.transaction((tx) => createLinks(tx, target));
  const approveUrl = `${chorus.config.publicUrl}/approve/${tokens.approve}`;
  const rejectUrl = `${chorus.config.publicUrl}/approve/${tokens.reject}`;
  const when = request.requestedAt ? `Requested for ${request.requestedAt.toISOString()}` : 'To go out as soon as it is approved';
  const step = request.steps[request.currentStep]!;
  const subject = `Approve a post? ${step.name !== 'Approval' ? `(${step.name})` : ''}`.trim();
  const text = contentText(request.content);
  if (target.via === 'email') {
    await chorus.mailer!.send({
      to: user.email,
      subject,
      text: `${text}\n\n${when}.${request.reasons.length ? `\nWhy: ${request.reasons.join('; ')}` : ''}\n\nApprove: ${approveUrl}\nReject: ${rejectUrl}\n\nOr open the approval queue: ${chorus.config.publicUrl}${queueLink(request)}\n\nThese links are yours alone and work once, for ${LINK_LIFETIME_HOURS} hours.\n\n— Chorus`,
    });
  } else {
    await postToSlack(webhook!, {
      text: `${subject}\n${text}`,
      blocks: textWithButtons(`*${subject}*\n${text}\n_${when}_`, [
        { text: 'Approve', url: approveUrl, style: 'primary' },
        { text: 'Reject', url: rejectUrl, style: 'danger' },
      ]),
    });
  }
}
