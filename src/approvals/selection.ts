import { roleCan, type WorkspaceRole } from '../workspaces/roles.ts';
import type { WorkflowConditions, WorkflowStep } from './schema.ts';

/** What selection needs of a workflow: a stored one, or the built-in default. */
export interface WorkflowChoice {
  id: string | null;
  name: string;
  steps: WorkflowStep[];
  reapproveOnEdit: boolean;
  allowSelfApproval: boolean;
}

export interface CandidateWorkflow extends WorkflowChoice {
  id: string;
  position: number;
  enabled: boolean;
  conditions: WorkflowConditions;
}

/** The facts about a submission that workflows are chosen by. */
export interface PostFacts {
  profileIds: string[];
  networks: string[];
  tags: string[];
  campaignId: string | null;
  /** The workspace role of the person asking for the post to go out; undefined for Chorus itself. */
  authorRole: WorkspaceRole | undefined;
  sensitive: boolean;
  /** Names for the reasons shown to approvers; ids are shown where a name is missing. */
  labels?: { profiles?: Record<string, string>; campaign?: string };
}

/** Roles whose members may approve: they decide on approvals, or could publish the post themselves. */
export const APPROVING_ROLES: readonly WorkspaceRole[] = ['owner', 'admin', 'approver', 'publisher'];

/**
 * For authors who cannot schedule (contributors) when no workflow of the workspace matches: any
 * one person who could have published the post, and never the author.
 */
export const DEFAULT_WORKFLOW: WorkflowChoice = {
  id: null,
  name: 'Default approval',
  steps: [{ name: 'Approval', approvers: { roles: [...APPROVING_ROLES] }, rule: 'any' }],
  reapproveOnEdit: true,
  allowSelfApproval: false,
};

const overlap = (wanted: string[] | undefined, actual: string[]) => actual.filter((value) => wanted!.includes(value));
const given = (list: string[] | undefined) => Array.isArray(list) && list.length > 0;

/** Why a workflow's conditions hold for a post, or null when one of them does not. */
export function matchConditions(conditions: WorkflowConditions, facts: PostFacts): string[] | null {
  const reasons: string[] = [];
  const profileName = (id: string) => facts.labels?.profiles?.[id] ?? id;
  if (given(conditions.profileIds)) {
    const hit = overlap(conditions.profileIds, facts.profileIds);
    if (hit.length === 0) return null;
    reasons.push(`posts to ${hit.map(profileName).join(', ')}`);
  }
  if (given(conditions.networks)) {
    const hit = overlap(conditions.networks, facts.networks);
    if (hit.length === 0) return null;
    reasons.push(`posts on ${[...new Set(hit)].join(', ')}`);
  }
  if (given(conditions.tags)) {
    const wanted = conditions.tags!.map((t) => t.toLowerCase());
    const hit = facts.tags.filter((t) => wanted.includes(t.toLowerCase()));
    if (hit.length === 0) return null;
    reasons.push(`tagged ${hit.join(', ')}`);
  }
  if (given(conditions.campaignIds)) {
    if (!facts.campaignId || !conditions.campaignIds!.includes(facts.campaignId)) return null;
    reasons.push(`in campaign ${facts.labels?.campaign ?? facts.campaignId}`);
  }
  if (given(conditions.authorRoles)) {
    if (!facts.authorRole || !conditions.authorRoles!.includes(facts.authorRole)) return null;
    reasons.push(`written by a${/^[aeiou]/.test(facts.authorRole) ? 'n' : ''} ${facts.authorRole}`);
  }
  if (conditions.sensitive !== undefined) {
    if (conditions.sensitive !== facts.sensitive) return null;
    reasons.push(facts.sensitive ? 'flagged sensitive by a compliance rule' : 'not flagged sensitive');
  }
  return reasons;
}

/**
 * The workflow a post goes through: the first enabled workflow, in position order, whose
 * conditions all hold. With none, an author who may schedule needs no approval and one who may
 * not gets the built-in default.
 */
export function chooseWorkflow(workflows: CandidateWorkflow[], facts: PostFacts): { workflow: WorkflowChoice | null; reasons: string[] } {
  const ordered = [...workflows].filter((w) => w.enabled).sort((a, b) => a.position - b.position);
  for (const workflow of ordered) {
    const reasons = matchConditions(workflow.conditions, facts);
    if (reasons) return { workflow, reasons: reasons.length ? reasons.map((r) => `${workflow.name}: ${r}`) : [`${workflow.name}: applies to every post`] };
  }
  if (facts.authorRole && !roleCan(facts.authorRole, 'posts.schedule')) {
    return { workflow: DEFAULT_WORKFLOW, reasons: [`${DEFAULT_WORKFLOW.name}: a ${facts.authorRole}'s posts are approved before they go out`] };
  }
  return { workflow: null, reasons: [] };
}
