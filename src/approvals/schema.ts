import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.ts';
import { workspaces } from '../workspaces/schema.ts';
import { posts } from '../publishing/schema.ts';

export const COMPLIANCE_RULE_KINDS = ['banned_terms', 'regex', 'required_disclaimer', 'link_domains', 'max_hashtags'] as const;
export type ComplianceRuleKind = (typeof COMPLIANCE_RULE_KINDS)[number];

/** What a rule does when a post breaks it: refuse the post, or route it to a stricter workflow. */
export const COMPLIANCE_EFFECTS = ['block', 'sensitive'] as const;
export type ComplianceEffect = (typeof COMPLIANCE_EFFECTS)[number];

/** The settings of each kind of rule. */
export type ComplianceRuleConfig =
  | { kind: 'banned_terms'; terms: string[] }
  | { kind: 'regex'; pattern: string; flags?: string }
  | { kind: 'required_disclaimer'; disclaimer: string }
  | { kind: 'link_domains'; mode: 'allow' | 'deny'; domains: string[] }
  | { kind: 'max_hashtags'; max: number };

/** Which posts a rule (or a workflow) looks at. Empty or absent lists mean "any". */
export interface PostScope {
  profileIds?: string[];
  networks?: string[];
  tags?: string[];
  campaignIds?: string[];
}

export const complianceRules = pgTable(
  'compliance_rules',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Shown to the author beside the violation: why the rule exists, what to do. */
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: COMPLIANCE_RULE_KINDS }).notNull(),
    config: jsonb('config').$type<ComplianceRuleConfig>().notNull(),
    effect: text('effect', { enum: COMPLIANCE_EFFECTS }).notNull(),
    scope: jsonb('scope').$type<PostScope>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('compliance_rules_workspace_idx').on(t.workspaceId)],
);

/** Who may approve a step: named people, everyone with a role, members of a team. Any match counts. */
export interface StepApprovers {
  userIds?: string[];
  roles?: string[];
  teamIds?: string[];
}

export interface WorkflowStep {
  name: string;
  approvers: StepApprovers;
  /** any: one approval moves the post on; all: every named approver must approve. */
  rule: 'any' | 'all';
}

/** When a workflow applies. Every given condition must hold; an empty object matches every post. */
export interface WorkflowConditions extends PostScope {
  /** Posts written by people with these workspace roles (e.g. contributor). */
  authorRoles?: string[];
  /** Posts a "sensitive" compliance rule marked. */
  sensitive?: boolean;
}

/** Ordered: the first enabled workflow whose conditions match a post is the one it goes through. */
export const approvalWorkflows = pgTable(
  'approval_workflows',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    conditions: jsonb('conditions').$type<WorkflowConditions>().notNull().default({}),
    steps: jsonb('steps').$type<WorkflowStep[]>().notNull(),
    /** Editing an approved post sends it back for approval. */
    reapproveOnEdit: boolean('reapprove_on_edit').notNull().default(true),
    /** An approver may approve their own post. */
    allowSelfApproval: boolean('allow_self_approval').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('approval_workflows_workspace_idx').on(t.workspaceId, t.position)],
);

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'changes_requested', 'withdrawn', 'superseded', 'bypassed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The exact content submitted (and so approved): per variant, the text and media as they were. */
export interface ApprovalContent {
  campaignId: string | null;
  tags: string[];
  variants: { variantId: string; profileId: string; network: string; handle: string; text: string; mediaIds: string[] }[];
}

/**
 * One submission of a post for approval. Keeps the workflow's steps and the content as they were
 * when submitted, so later edits to either never change what was approved.
 */
export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    workflowId: uuid('workflow_id').references(() => approvalWorkflows.id, { onDelete: 'set null' }),
    workflowName: text('workflow_name').notNull(),
    steps: jsonb('steps').$type<WorkflowStep[]>().notNull(),
    allowSelfApproval: boolean('allow_self_approval').notNull(),
    reapproveOnEdit: boolean('reapprove_on_edit').notNull(),
    status: text('status', { enum: APPROVAL_STATUSES }).notNull().default('pending'),
    /** Index into steps of the step waiting for decisions. */
    currentStep: integer('current_step').notNull().default(0),
    content: jsonb('content').$type<ApprovalContent>().notNull(),
    /** sha256 of the canonical content: "who approved exactly this text" is answered by it. */
    contentHash: text('content_hash').notNull(),
    sensitive: boolean('sensitive').notNull().default(false),
    /** Why this workflow was chosen and which sensitive rules the post tripped, for the approver. */
    reasons: jsonb('reasons').$type<string[]>().notNull().default([]),
    /** When the author wants it out: an ISO instant, or null for "as soon as approved". */
    requestedAt: timestamp('requested_at', { withTimezone: true }),
    submittedBy: uuid('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Set when an owner/admin bypassed approval; the reason is required. */
    bypassReason: text('bypass_reason'),
    /** The author was told the requested time passed while the post waited. */
    deadlineNotifiedAt: timestamp('deadline_notified_at', { withTimezone: true }),
  },
  (t) => [
    index('approval_requests_post_idx').on(t.postId, t.submittedAt),
    index('approval_requests_queue_idx').on(t.workspaceId, t.status, t.submittedAt),
  ],
);

export const APPROVAL_DECISIONS = ['approved', 'rejected', 'changes_requested'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const approvalDecisions = pgTable(
  'approval_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: uuid('request_id').notNull().references(() => approvalRequests.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Kept if the user is deleted. */
    userLabel: text('user_label').notNull(),
    decision: text('decision', { enum: APPROVAL_DECISIONS }).notNull(),
    comment: text('comment').notNull().default(''),
    /** Where the decision was made: the web app or API, or a one-click link from email or Slack. */
    via: text('via', { enum: ['app', 'email', 'slack'] }).notNull(),
    contentHash: text('content_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('approval_decisions_request_idx').on(t.requestId, t.createdAt), uniqueIndex('approval_decisions_once_key').on(t.requestId, t.step, t.userId)],
);

/**
 * One-click approve/reject links sent by email or Slack. The token itself is only in the message;
 * this row holds its hash, who it is for, and whether it was used.
 */
export const approvalLinks = pgTable(
  'approval_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    requestId: uuid('request_id').notNull().references(() => approvalRequests.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    action: text('action', { enum: ['approve', 'reject'] }).notNull(),
    via: text('via', { enum: ['email', 'slack'] }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('approval_links_request_idx').on(t.requestId)],
);

/**
 * A person's Slack delivery: an incoming-webhook URL that posts to them (their DM or a private
 * channel), so the one-click links in it are theirs alone. The URL is a secret and is sealed.
 */
export const userSlackWebhooks = pgTable('user_slack_webhooks', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  webhookUrlSealed: text('webhook_url_sealed').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
