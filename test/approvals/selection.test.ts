import { describe, expect, it } from 'vitest';
import { chooseWorkflow, DEFAULT_WORKFLOW, type CandidateWorkflow, type PostFacts } from '../../src/approvals/selection.ts';

const step = { name: 'Legal', approvers: { roles: ['approver'] }, rule: 'any' as const };
let position = 0;
const workflow = (name: string, conditions: CandidateWorkflow['conditions'], extra: Partial<CandidateWorkflow> = {}): CandidateWorkflow => ({
  id: `${name}-id`,
  name,
  position: position++,
  enabled: true,
  conditions,
  steps: [step],
  reapproveOnEdit: true,
  allowSelfApproval: false,
  ...extra,
});
const facts = (over: Partial<PostFacts> = {}): PostFacts => ({
  profileIds: ['p-brand'],
  networks: ['x'],
  tags: [],
  campaignId: null,
  authorRole: 'publisher',
  sensitive: false,
  ...over,
});

describe('choosing the approval workflow of a post', () => {
  const brand = workflow('Brand account', { profileIds: ['p-ceo'] });
  const legal = workflow('Legal', { tags: ['Legal'] });
  const launch = workflow('Launch', { campaignIds: ['c-launch'] });
  const juniors = workflow('Juniors', { authorRoles: ['contributor'] });
  const sensitive = workflow('Sensitive', { sensitive: true });
  const all = [brand, legal, launch, juniors, sensitive];

  it('matches by profile, tag (any case), campaign, author role and sensitivity, with the reasons', () => {
    expect(chooseWorkflow(all, facts({ profileIds: ['p-brand', 'p-ceo'], labels: { profiles: { 'p-ceo': '@ceo' } } }))).toEqual({ workflow: brand, reasons: ['Brand account: posts to @ceo'] });
    expect(chooseWorkflow(all, facts({ tags: ['news', 'legal'] })).workflow).toBe(legal);
    expect(chooseWorkflow(all, facts({ campaignId: 'c-launch', labels: { campaign: 'Spring launch' } })).reasons).toEqual(['Launch: in campaign Spring launch']);
    expect(chooseWorkflow(all, facts({ authorRole: 'contributor' })).reasons).toEqual(['Juniors: written by a contributor']);
    expect(chooseWorkflow(all, facts({ sensitive: true })).workflow).toBe(sensitive);
  });

  it('takes the first match in position order, whatever order the list comes in', () => {
    const both = facts({ tags: ['legal'], sensitive: true });
    expect(chooseWorkflow([...all].reverse(), both).workflow).toBe(legal);
    const moved = { ...sensitive, position: -1 };
    expect(chooseWorkflow([legal, moved], both).workflow).toBe(moved);
  });

  it('requires every condition of a workflow to hold', () => {
    const legalLaunch = workflow('Legal launch', { tags: ['legal'], campaignIds: ['c-launch'] });
    expect(chooseWorkflow([legalLaunch], facts({ tags: ['legal'] })).workflow).toBeNull();
    expect(chooseWorkflow([legalLaunch], facts({ tags: ['legal'], campaignId: 'c-launch' })).workflow).toBe(legalLaunch);
  });

  it('skips disabled workflows', () => {
    expect(chooseWorkflow([{ ...legal, enabled: false }, sensitive], facts({ tags: ['legal'] })).workflow).toBeNull();
  });

  it('an empty condition set applies to every post', () => {
    const everything = workflow('Everything', {});
    expect(chooseWorkflow([everything], facts())).toEqual({ workflow: everything, reasons: ['Everything: applies to every post'] });
  });

  it('without a match: publishers need no approval, contributors get the default workflow', () => {
    expect(chooseWorkflow(all, facts({ authorRole: 'publisher' })).workflow).toBeNull();
    expect(chooseWorkflow([], facts({ authorRole: 'owner' })).workflow).toBeNull();
    const contributor = chooseWorkflow([legal], facts({ authorRole: 'contributor' }));
    expect(contributor.workflow).toBe(DEFAULT_WORKFLOW);
    expect(DEFAULT_WORKFLOW).toMatchObject({ allowSelfApproval: false, steps: [{ rule: 'any', approvers: { roles: ['owner', 'admin', 'approver', 'publisher'] } }] });
  });
});
