import { useQuery } from '@tanstack/react-query';
import { get, query } from './client.ts';
import type { CheckableRule } from '../../../src/approvals/compliance-check.ts';
import type {
  ApprovalDecision,
  ApprovalStatus,
  ComplianceEffect,
  ComplianceRuleConfig,
  ComplianceRuleKind,
  PostScope,
  StepApprovers,
  WorkflowConditions,
  WorkflowStep,
} from '../../../src/approvals/schema.ts';

export type {
  ApprovalDecision,
  ApprovalStatus,
  ComplianceEffect,
  ComplianceRuleConfig,
  ComplianceRuleKind,
  PostScope,
  StepApprovers,
  WorkflowConditions,
  WorkflowStep,
};

export interface ApprovalWorkflow {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: WorkflowConditions;
  steps: WorkflowStep[];
  reapproveOnEdit: boolean;
  allowSelfApproval: boolean;
}

/** What the server takes to create or replace a workflow. */
export type WorkflowInput = Omit<ApprovalWorkflow, 'id' | 'position'>;

/** A rule as the server lists it: the same fields the checker reads. */
export type ComplianceRule = CheckableRule;

export type ComplianceRuleInput = Omit<ComplianceRule, 'id'>;

/** One broken rule, as the compliance check and a refused schedule report it. */
export type { ComplianceViolation } from '../../../src/approvals/compliance-check.ts';

export interface Decision {
  id?: number;
  step: number;
  userId: string | null;
  userLabel: string;
  decision: ApprovalDecision;
  comment: string;
  via: 'app' | 'email' | 'slack';
  createdAt: string;
}

export interface ApprovalVariantContent {
  variantId: string;
  profileId: string;
  network: string;
  handle: string;
  text: string;
  mediaIds: string[];
}

/** One approval request as the API describes it (queue items add canDecide). */
export interface ApprovalRequestView {
  id: string;
  postId: string;
  status: ApprovalStatus;
  workflowName: string;
  currentStep: number;
  steps: WorkflowStep[];
  stepName: string | null;
  submittedBy: { id: string; name: string; email: string } | null;
  submittedAt: string;
  requestedAt: string | null;
  decidedAt: string | null;
  sensitive: boolean;
  reasons: string[];
  content: { tags: string[]; campaignId: string | null; variants: ApprovalVariantContent[] };
  contentHash: string;
  bypassReason: string | null;
  decisions: Decision[];
}

/** One request in the approvals queue, with whether the reader may decide its current step. */
export interface ApprovalItem extends ApprovalRequestView {
  canDecide: boolean;
  cannotDecideReason: string | null;
}

/** A post's latest approval request, as the post view carries it. */
export type PostApproval = Omit<ApprovalRequestView, 'id'> & { requestId: string };

export type QueueScope = 'mine' | 'all';

export const approvalsKey = (workspaceId: string) => ['approvals', workspaceId] as const;
export const workflowsKey = (workspaceId: string) => ['approval-workflows', workspaceId] as const;
export const complianceRulesKey = (workspaceId: string) => ['compliance-rules', workspaceId] as const;

/** The queue: what waits for me, everything pending, or what was decided. */
export const useApprovalQueue = (workspaceId: string, scope: QueueScope, status: 'pending' | 'decided') =>
  useQuery({
    queryKey: [...approvalsKey(workspaceId), scope, status],
    queryFn: async () => (await get<{ items: ApprovalItem[] }>(`/workspaces/${workspaceId}/approvals${query({ scope, status })}`)).items,
  });

/** How many requests wait for the reader: the badge in the navigation. */
export const useWaitingCount = (workspaceId: string, enabled: boolean) =>
  useQuery({
    queryKey: [...approvalsKey(workspaceId), 'mine', 'pending'],
    queryFn: async () => (await get<{ items: ApprovalItem[] }>(`/workspaces/${workspaceId}/approvals${query({ scope: 'mine', status: 'pending' })}`)).items,
    select: (items) => items.filter((item) => item.canDecide).length,
    enabled,
    refetchInterval: 60_000,
  });

export const useWorkflows = (workspaceId: string) =>
  useQuery({
    queryKey: workflowsKey(workspaceId),
    queryFn: async () => (await get<{ workflows: ApprovalWorkflow[] }>(`/workspaces/${workspaceId}/approval-workflows`)).workflows,
  });

export const useComplianceRules = (workspaceId: string) =>
  useQuery({
    queryKey: complianceRulesKey(workspaceId),
    queryFn: async () => (await get<{ rules: ComplianceRule[] }>(`/workspaces/${workspaceId}/compliance-rules`)).rules,
  });

export const APPROVAL_STATUS_LABEL: Record<ApprovalStatus, { label: string; tone: string }> = {
  pending: { label: 'Awaiting approval', tone: 'badge--warning' },
  approved: { label: 'Approved', tone: 'badge--success' },
  rejected: { label: 'Rejected', tone: 'badge--danger' },
  changes_requested: { label: 'Changes requested', tone: 'badge--warning' },
  withdrawn: { label: 'Withdrawn', tone: 'badge--muted' },
  superseded: { label: 'Superseded', tone: 'badge--muted' },
  bypassed: { label: 'Approval bypassed', tone: 'badge--info' },
};

export const DECISION_LABEL: Record<ApprovalDecision, string> = {
  approved: 'approved',
  rejected: 'rejected',
  changes_requested: 'requested changes',
};
