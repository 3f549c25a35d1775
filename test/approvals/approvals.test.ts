import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { memberWithRole, type Client } from '../helpers/app.ts';
import { newId } from '../../src/core/crypto.ts';
import { addSeconds, resetClock, setClock } from '../../src/core/clock.ts';
import { complianceRules } from '../../src/approvals/schema.ts';
import { remindAtDeadline } from '../../src/approvals/jobs.ts';
import { approvalsWorld, expectStatus } from './fixture.ts';

type World = Awaited<ReturnType<typeof approvalsWorld>>;
type Member = Awaited<ReturnType<typeof memberWithRole>>;

describe.each(BACKENDS)('approvals (%s)', (backend) => {
  let w: World;
  let contributor: Member;
  let approver: Member;
  let publisher: Member;
  let admin: Member;

  beforeAll(async () => {
    w = await approvalsWorld(backend);
    contributor = await memberWithRole(w.t.app, w.owner, w.workspaceId, 'contributor');
    approver = await memberWithRole(w.t.app, w.owner, w.workspaceId, 'approver');
    publisher = await memberWithRole(w.t.app, w.owner, w.workspaceId, 'publisher');
    admin = await memberWithRole(w.t.app, w.owner, w.workspaceId, 'admin');
  });
  afterEach(() => resetClock());
  afterAll(() => w?.t.close());

  async function draft(author: Client, text: string, extra: Record<string, unknown> = {}) {
    const created = await author.request('POST', `${w.base}/posts`, { text, variants: [{ profileId: w.profileId }], ...extra });
    expectStatus(created, 201);
    return created.json().post.id as string;
  }
  const queue = async (who: Client, scope = 'mine', status = 'pending') => (await who.request('GET', `${w.base}/approvals?scope=${scope}&status=${status}`)).json().items;
  async function workflow(body: Record<string, unknown>) {
    const created = await w.owner.request('POST', `${w.base}/approval-workflows`, { conditions: {}, ...body });
    expectStatus(created, 201);
    return created.json().workflow.id as string;
  }
  async function clearWorkflows() {
    for (const wf of (await w.owner.request('GET', `${w.base}/approval-workflows`)).json().workflows) {
      expectStatus(await w.owner.request('DELETE', `${w.base}/approval-workflows/${wf.id}`), 204);
    }
  }

  it('validates workflows, lets only owners and admins change them, and keeps their order', async () => {
    const step = { name: 'Check', approvers: { roles: ['approver'] }, rule: 'any' };
    const post = (body: Record<string, unknown>, who: Client = w.owner) => who.request('POST', `${w.base}/approval-workflows`, { name: 'X', ...body });
    expect((await post({ steps: [] })).statusCode).toBe(422);
    expect((await post({ steps: [{ ...step, approvers: {} }] })).statusCode).toBe(422);
    expect((await post({ steps: [{ ...step, rule: 'all' }] })).statusCode).toBe(422); // "all" names people
    expect((await post({ steps: [{ ...step, approvers: { roles: ['analyst'] } }] })).statusCode).toBe(422);
    expect((await post({ steps: [{ ...step, approvers: { userIds: [newId()] } }] })).json().error.message).toContain('not a member');
    expect((await post({ steps: [step] }, approver.api)).statusCode).toBe(403);
    const first = (await post({ name: 'First', steps: [step] })).json().workflow;
    const second = (await post({ name: 'Second', steps: [step] })).json().workflow;
    expect([first.position, second.position]).toEqual([0, 1]);
    expect((await w.owner.request('PUT', `${w.base}/approval-workflows/order`, { ids: [second.id] })).statusCode).toBe(422);
    const reordered = await w.owner.request('PUT', `${w.base}/approval-workflows/order`, { ids: [second.id, first.id] });
    expect(reordered.json().workflows.map((x: { name: string }) => x.name)).toEqual(['Second', 'First']);
    expect((await w.owner.request('GET', `${w.base}/audit?action=approval_workflow.reordered`)).json().events).toHaveLength(1);
    await clearWorkflows();
  });

  it('a contributor cannot schedule but can submit; an approver approves and the post is scheduled', async () => {
    const postId = await draft(contributor.api, 'Our spring collection is here');
    const refused = await contributor.api.request('POST', `${w.base}/posts/${postId}/schedule`, {});
    expect(refused.statusCode).toBe(403);
    const when = addSeconds(new Date(), 3600).toISOString();
    const submitted = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, { when: { at: when } });
    expectStatus(submitted, 200);
    const view = submitted.json();
    expect(view.variants[0]).toMatchObject({ status: 'pending_approval', scheduledAt: when });
    expect(view.approval).toMatchObject({ status: 'pending', workflowName: 'Default approval', currentStep: 0, steps: [{ name: 'Approval' }] });
    expect(view.approval.reasons[0]).toContain('contributor');
    expect(await w.publishJobs(view.variants[0].id)).toEqual([]);

    // The approver, the publisher and the owner may decide; the contributor may not (own post).
    const mine = await queue(approver.api);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ postId, canDecide: true, stepName: 'Approval', submittedBy: { id: contributor.userId, email: contributor.email } });
    expect(mine[0].content.variants[0]).toMatchObject({ handle: 'acme', text: 'Our spring collection is here' });
    expect(await queue(contributor.api)).toEqual([]);
    expect((await queue(contributor.api, 'all'))[0]).toMatchObject({ canDecide: false });
    expect((await w.notificationsOf(approver.userId)).map((n) => n.kind)).toContain('approval.requested');

    const selfApproval = await contributor.api.request('POST', `${w.base}/approvals/${mine[0].id}/decision`, { decision: 'approved' });
    expect(selfApproval.statusCode).toBe(403);
    const approved = await approver.api.request('POST', `${w.base}/approvals/${mine[0].id}/decision`, { decision: 'approved' });
    expectStatus(approved, 200);
    expect(approved.json().request).toMatchObject({ status: 'approved', decisions: [{ decision: 'approved', userId: approver.userId, via: 'app' }] });
    const [variant] = await w.variantsOf(postId);
    expect(variant).toMatchObject({ status: 'scheduled', scheduledAt: new Date(when) });
    expect((await w.publishJobs(variant!.id)).map((j) => j.version)).toContain(variant!.version);
    expect((await w.notificationsOf(contributor.userId)).map((n) => n.kind)).toContain('approval.approved');
    const again = await approver.api.request('POST', `${w.base}/approvals/${mine[0].id}/decision`, { decision: 'approved' });
    expect(again.json().error.code).toBe('approval_decided');
  });

  it('a publisher schedules directly unless a workflow matches; then the schedule waits for approval', async () => {
    const direct = await draft(publisher.api, 'Nothing special');
    const scheduled = await publisher.api.request('POST', `${w.base}/posts/${direct}/schedule`, {});
    expect(scheduled.json().variants[0].status).toBe('scheduled');
    expect(scheduled.json().approval).toBeNull();

    await workflow({ name: 'Legal', conditions: { tags: ['legal'] }, steps: [{ name: 'Legal review', approvers: { userIds: [approver.userId] }, rule: 'any' }] });
    const tagged = await draft(publisher.api, 'Terms updated', { tags: ['Legal'] });
    const held = await publisher.api.request('POST', `${w.base}/posts/${tagged}/schedule`, {});
    expectStatus(held, 200);
    expect(held.json().variants[0]).toMatchObject({ status: 'pending_approval', scheduledAt: null });
    expect(held.json().approval).toMatchObject({ workflowName: 'Legal', reasons: ['Legal: tagged Legal'] });
    // Only the named approver is asked; the owner is not an approver of this step.
    expect(await queue(w.owner)).toEqual([]);
    const item = (await queue(approver.api))[0];
    // "As soon as approved": approved now, it goes out now.
    expectStatus(await approver.api.request('POST', `${w.base}/approvals/${item.id}/decision`, { decision: 'approved' }), 200);
    expect((await w.variantsOf(tagged))[0]!.status).toBe('scheduled');
    await clearWorkflows();
  });

  it('runs steps in order; an "all" step waits for every named approver; self-approval only when allowed', async () => {
    await workflow({
      name: 'Two steps',
      conditions: { tags: ['launch'] },
      steps: [
        { name: 'Copy', approvers: { roles: ['approver'] }, rule: 'any' },
        { name: 'Sign-off', approvers: { userIds: [admin.userId, publisher.userId] }, rule: 'all' },
      ],
    });
    const postId = await draft(publisher.api, 'Launch day', { tags: ['launch'] });
    expectStatus(await publisher.api.request('POST', `${w.base}/posts/${postId}/schedule`, { when: { at: addSeconds(new Date(), 7200).toISOString() } }), 200);
    const [item] = await queue(approver.api);
    // Admin is not an approver of step 1.
    expect((await admin.api.request('POST', `${w.base}/approvals/${item.id}/decision`, { decision: 'approved' })).statusCode).toBe(403);
    const step1 = await approver.api.request('POST', `${w.base}/approvals/${item.id}/decision`, { decision: 'approved' });
    expect(step1.json().request).toMatchObject({ status: 'pending', currentStep: 1, stepName: 'Sign-off' });
    // The publisher wrote it: not allowed to approve their own post in this workflow.
    const own = await publisher.api.request('POST', `${w.base}/approvals/${item.id}/decision`, { decision: 'approved' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toContain('own post');
    expect((await admin.api.request('POST', `${w.base}/approvals/${item.id}/decision`, { decision: 'approved' })).json().request).toMatchObject({ status: 'pending', currentStep: 1 });
    expect((await w.variantsOf(postId))[0]!.status).toBe('pending_approval');

    // Allowing self-approval on the workflow applies to new submissions (requests keep their rules).
    const [wf] = (await w.owner.request('GET', `${w.base}/approval-workflows`)).json().workflows;
    const { id: _id, position: _p, createdAt: _c, updatedAt: _u, workspaceId: _w, ...body } = wf;
    expectStatus(await w.owner.request('PUT', `${w.base}/approval-workflows/${wf.id}`, { ...body, allowSelfApproval: true }), 200);
    expectStatus(await publisher.api.request('POST', `${w.base}/approvals/${item.id}/withdraw`), 200);
    expect((await w.variantsOf(postId))[0]!.status).toBe('draft');
    expectStatus(await publisher.api.request('POST', `${w.base}/posts/${postId}/schedule`, { when: { at: addSeconds(new Date(), 7200).toISOString() } }), 200);
    const [again] = await queue(approver.api);
    await approver.api.request('POST', `${w.base}/approvals/${again.id}/decision`, { decision: 'approved' });
    expect((await publisher.api.request('POST', `${w.base}/approvals/${again.id}/decision`, { decision: 'approved' })).json().request.status).toBe('pending');
    const done = await admin.api.request('POST', `${w.base}/approvals/${again.id}/decision`, { decision: 'approved' });
    expect(done.json().request.status).toBe('approved');
    expect((await w.variantsOf(postId))[0]!.status).toBe('scheduled');
    await clearWorkflows();
  });

  it('rejecting or asking for changes needs a comment, returns the post to draft and tells the author', async () => {
    for (const decision of ['rejected', 'changes_requested'] as const) {
      const postId = await draft(contributor.api, `Draft for ${decision}`);
      const submitted = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, {});
      const requestId = submitted.json().approval.requestId;
      const bare = await approver.api.request('POST', `${w.base}/approvals/${requestId}/decision`, { decision });
      expect(bare.statusCode).toBe(422);
      const decided = await approver.api.request('POST', `${w.base}/approvals/${requestId}/decision`, { decision, comment: 'The price is wrong.' });
      expect(decided.json().request).toMatchObject({ status: decision, decisions: [{ decision, comment: 'The price is wrong.' }] });
      expect((await w.variantsOf(postId))[0]!.status).toBe('draft');
      const told = (await w.notificationsOf(contributor.userId)).find((n) => n.kind === `approval.${decision}`);
      expect(told?.body).toContain('The price is wrong.');
    }
  });

  it('an approval that comes after the requested time does not publish late: back to draft, author told', async () => {
    const postId = await draft(contributor.api, 'Webinar starts in one hour');
    const at = addSeconds(new Date(), 3600);
    const submitted = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, { when: { at: at.toISOString() } });
    const requestId = submitted.json().approval.requestId;
    setClock(() => addSeconds(at, 600));
    const approved = await approver.api.request('POST', `${w.base}/approvals/${requestId}/decision`, { decision: 'approved' });
    expect(approved.json().request.status).toBe('approved');
    const [variant] = await w.variantsOf(postId);
    expect(variant).toMatchObject({ status: 'draft', scheduledAt: null });
    expect(await w.publishJobs(variant!.id)).toEqual([]);
    const late = (await w.notificationsOf(contributor.userId)).find((n) => n.kind === 'approval.approved_late');
    expect(late?.body).toContain('Pick a new time');
    // The same text needs no new approval: submitting again schedules it.
    resetClock();
    const again = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, { when: { at: addSeconds(new Date(), 3600).toISOString() } });
    expect(again.json().variants[0].status).toBe('scheduled');
  });

  it('the deadline job tells the author once that the post is still waiting at its time', async () => {
    const postId = await draft(contributor.api, 'Waiting too long');
    const at = addSeconds(new Date(), 1800);
    const submitted = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, { when: { at: at.toISOString() } });
    const requestId = submitted.json().approval.requestId;
    const deadlineJobs = await w.t.database.executeSql(`select start_after from pgboss.job where name = 'approvals.deadline' and data->>'requestId' = $1`, [requestId]);
    expect(new Date(deadlineJobs.rows[0]!.start_after as string).getTime()).toBe(at.getTime());
    await remindAtDeadline(w.t.chorus, requestId); // too early: nothing
    const count = async () => (await w.notificationsOf(contributor.userId)).filter((n) => n.kind === 'approval.deadline_passed').length;
    expect(await count()).toBe(0);
    setClock(() => addSeconds(at, 1));
    await remindAtDeadline(w.t.chorus, requestId);
    await remindAtDeadline(w.t.chorus, requestId);
    expect(await count()).toBe(1);
    expect((await w.notificationsOf(approver.userId)).filter((n) => n.kind === 'approval.deadline_passed')).toHaveLength(1);
    expect((await w.variantsOf(postId))[0]!.status).toBe('pending_approval');
  });

  it('editing an approved post sends it back for approval, unless the workflow says not to', async () => {
    for (const reapproveOnEdit of [true, false]) {
      await workflow({ name: `Edits ${reapproveOnEdit}`, reapproveOnEdit, conditions: { tags: ['edit'] }, steps: [{ name: 'Check', approvers: { roles: ['approver'] }, rule: 'any' }] });
      const postId = await draft(publisher.api, 'Approved words', { tags: ['edit'] });
      const held = await publisher.api.request('POST', `${w.base}/posts/${postId}/schedule`, { when: { at: addSeconds(new Date(), 3600).toISOString() } });
      await approver.api.request('POST', `${w.base}/approvals/${held.json().approval.requestId}/decision`, { decision: 'approved' });
      expect((await w.variantsOf(postId))[0]!.status).toBe('scheduled');
      const edited = await publisher.api.request('PATCH', `${w.base}/posts/${postId}`, { text: 'Different words' });
      expectStatus(edited, 200);
      const audit = (await w.owner.request('GET', `${w.base}/audit?action=approval.edited_after_approval`)).json().events[0];
      expect(audit).toMatchObject({ targetId: postId, before: { text: 'acme (x): Approved words' }, after: { text: 'acme (x): Different words', reapproval: reapproveOnEdit } });
      if (reapproveOnEdit) {
        expect(edited.json().variants[0].status).toBe('pending_approval');
        expect(edited.json().approval).toMatchObject({ status: 'pending', reasons: expect.arrayContaining(['Edited after approval']) });
        const history = (await w.owner.request('GET', `${w.base}/posts/${postId}/approvals`)).json().requests;
        expect(history.map((r: { status: string }) => r.status)).toEqual(['pending', 'superseded']);
      } else {
        expect(edited.json().variants[0].status).toBe('scheduled');
        expect(edited.json().approval.status).toBe('approved');
      }
      await clearWorkflows();
    }
  });

  it('editing a post while it waits resubmits the new text to the approvers', async () => {
    const postId = await draft(contributor.api, 'First try');
    const submitted = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, {});
    const edited = await contributor.api.request('PATCH', `${w.base}/posts/${postId}`, { text: 'Second try' });
    expectStatus(edited, 200);
    expect(edited.json().approval.requestId).not.toBe(submitted.json().approval.requestId);
    expect(edited.json().variants[0].status).toBe('pending_approval');
    const item = (await queue(approver.api)).find((i: { postId: string }) => i.postId === postId);
    expect(item.content.variants[0].text).toBe('Second try');
    expectStatus(await approver.api.request('POST', `${w.base}/approvals/${item.id}/decision`, { decision: 'approved' }), 200);
  });

  it('an edit that trips a sensitive rule goes through the stricter workflow, even where edits usually stand', async () => {
    const ruleId = newId();
    await w.t.database.db.insert(complianceRules).values({ id: ruleId, workspaceId: w.workspaceId, name: 'Investment talk', kind: 'banned_terms', config: { kind: 'banned_terms', terms: ['investment'] }, effect: 'sensitive' });
    await workflow({ name: 'Legal review', conditions: { sensitive: true }, steps: [{ name: 'Legal', approvers: { userIds: [admin.userId] }, rule: 'any' }] });
    await workflow({ name: 'Everyday', reapproveOnEdit: false, conditions: { tags: ['everyday'] }, steps: [{ name: 'Check', approvers: { roles: ['approver'] }, rule: 'any' }] });
    const postId = await draft(publisher.api, 'Plain words', { tags: ['everyday'] });
    const held = await publisher.api.request('POST', `${w.base}/posts/${postId}/schedule`, { when: { at: addSeconds(new Date(), 3600).toISOString() } });
    expect(held.json().approval).toMatchObject({ workflowName: 'Everyday' });
    await approver.api.request('POST', `${w.base}/approvals/${held.json().approval.requestId}/decision`, { decision: 'approved' });
    expect((await w.variantsOf(postId))[0]!.status).toBe('scheduled');

    const edited = await publisher.api.request('PATCH', `${w.base}/posts/${postId}`, { text: 'A great investment' });
    expectStatus(edited, 200);
    expect(edited.json().variants[0].status).toBe('pending_approval');
    expect(edited.json().approval).toMatchObject({ status: 'pending', workflowName: 'Legal review' });
    const item = (await queue(admin.api)).find((i: { postId: string }) => i.postId === postId);
    expect(item).toMatchObject({ sensitive: true, workflowName: 'Legal review' });
    expect(item.reasons.join(' ')).toContain('Investment talk');
    expect((await queue(approver.api)).find((i: { postId: string }) => i.postId === postId)).toBeUndefined();
    await admin.api.request('POST', `${w.base}/approvals/${item.id}/withdraw`, {});
    await w.t.database.db.delete(complianceRules).where(eq(complianceRules.id, ruleId));
    await clearWorkflows();
  });

  it('bypassing approval takes an owner or admin and a real reason, and is audited', async () => {
    const postId = await draft(contributor.api, 'Urgent correction');
    await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, {});
    expect((await publisher.api.request('POST', `${w.base}/posts/${postId}/bypass-approval`, { reason: 'Because I say so, really' })).statusCode).toBe(403);
    expect((await admin.api.request('POST', `${w.base}/posts/${postId}/bypass-approval`, { reason: 'urgent' })).statusCode).toBe(422);
    expect((await admin.api.request('POST', `${w.base}/posts/${postId}/bypass-approval`, {})).statusCode).toBe(422);
    const bypassed = await admin.api.request('POST', `${w.base}/posts/${postId}/bypass-approval`, { reason: 'Legal correction ordered by the court' });
    expectStatus(bypassed, 200);
    expect(bypassed.json().variants[0].status).toBe('scheduled');
    expect(bypassed.json().approval).toMatchObject({ status: 'bypassed', bypassReason: 'Legal correction ordered by the court' });
    const audit = (await w.owner.request('GET', `${w.base}/audit?action=approval.bypassed`)).json().events[0];
    expect(audit).toMatchObject({ actorUserId: admin.userId, after: { reason: 'Legal correction ordered by the court', text: 'acme (x): Urgent correction' } });
  });

  it('a post that breaks a blocking compliance rule cannot be scheduled or submitted', async () => {
    await w.t.database.db.insert(complianceRules).values({ id: newId(), workspaceId: w.workspaceId, name: 'No guarantees', kind: 'banned_terms', config: { kind: 'banned_terms', terms: ['guaranteed'] }, effect: 'block' });
    const postId = await draft(publisher.api, 'Guaranteed returns!');
    const refused = await publisher.api.request('POST', `${w.base}/posts/${postId}/schedule`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('compliance_blocked');
    expect(refused.json().error.violations[0]).toMatchObject({ ruleName: 'No guarantees', effect: 'block' });
    expect((await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, {})).json().error.code).toBe('compliance_blocked');
    expect((await w.variantsOf(postId))[0]!.status).toBe('draft');
  });

  it('exports a post\'s approval history as CSV with the text as approved', async () => {
    const postId = await draft(contributor.api, 'History, please');
    const submitted = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, {});
    await approver.api.request('POST', `${w.base}/approvals/${submitted.json().approval.requestId}/decision`, { decision: 'approved', comment: 'Fine by me' });
    const csv = await w.owner.request('GET', `${w.base}/posts/${postId}/approvals.csv`);
    expectStatus(csv, 200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.event)).toEqual(['approval.submitted', 'approval.approved', 'approval.completed']);
    const hash = submitted.json().approval.contentHash;
    expect(rows[1]!.person).toContain(approver.email);
    expect(rows[1]).toMatchObject({ request_id: submitted.json().approval.requestId, step: 'Approval', decision: 'approved', comment: 'Fine by me', via: 'app', content_hash: hash, text: 'acme (x): History, please' });
    expect(rows[0]!.person).toContain(contributor.email);
  });
});
