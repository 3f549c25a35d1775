import { useState } from 'react';
import { complianceRulesKey, useComplianceRules, type ComplianceRule, type ComplianceRuleConfig } from '../../api/approvals.ts';
import { can } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { ComplianceRuleDialog, KIND_LABEL } from './ComplianceRuleDialog.tsx';
import { describeScope, useScopeNames } from './ScopeFields.tsx';
import { DeleteConfirm, RowActions } from './RuleRowParts.tsx';
import '../../styles/approvals.css';

/** What a rule checks, in a line. */
function summary(config: ComplianceRuleConfig): string {
  switch (config.kind) {
    case 'banned_terms':
      return config.terms.map((t) => `“${t}”`).join(', ');
    case 'regex':
      return `/${config.pattern}/${config.flags ?? ''}`;
    case 'required_disclaimer':
      return `Must contain “${config.disclaimer}”`;
    case 'link_domains':
      return `${config.mode === 'allow' ? 'Only links to' : 'No links to'} ${config.domains.join(', ')}`;
    case 'max_hashtags':
      return `At most ${config.max} hashtag${config.max === 1 ? '' : 's'}`;
  }
}

/** Settings → Compliance rules: what posts may not say, checked as authors write and again when scheduled. */
export function ComplianceRules() {
  const { workspace } = useShell();
  const manage = can(workspace, 'compliance.manage');
  const rules = useComplianceRules(workspace.id);
  const names = useScopeNames();
  const [editing, setEditing] = useState<ComplianceRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ComplianceRule | null>(null);
  return (
    <Section
      title="Compliance rules"
      description="Checked live in the composer and again when a post is scheduled. A blocking rule stops the post; a sensitive one sends it to the workflow for sensitive posts."
      actions={
        manage && (
          <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
            New rule
          </button>
        )
      }
    >
      {rules.isPending && <Loading />}
      {rules.isError && <FormError error={rules.error} />}
      {rules.data?.length === 0 && (
        <EmptyState title="No compliance rules">
          <p>
            {manage
              ? 'Add banned words, a required disclaimer such as #ad, allowed link domains or a hashtag limit.'
              : 'Owners and admins set compliance rules.'}
          </p>
        </EmptyState>
      )}
      {rules.data && rules.data.length > 0 && (
        <ul className="rule-list" aria-label="Compliance rules">
          {rules.data.map((rule) => {
            const scope = describeScope(rule.scope, names);
            return (
              <li key={rule.id} className={`rule-row${rule.enabled ? '' : ' rule-row--disabled'}`} aria-label={rule.name}>
                <div className="rule-row__main">
                  <span className="rule-row__name">
                    {rule.name}{' '}
                    <span className={`badge ${rule.effect === 'block' ? 'badge--danger' : 'badge--warning'}`}>
                      {rule.effect === 'block' ? 'Blocks' : 'Marks sensitive'}
                    </span>{' '}
                    {!rule.enabled && <span className="badge badge--muted">Disabled</span>}
                  </span>
                  <span className="small">
                    {KIND_LABEL[rule.kind]}: {summary(rule.config)}
                  </span>
                  <span className="small muted">{scope.length ? scope.join(' · ') : 'Every post'}</span>
                </div>
                {manage && <RowActions name={rule.name} onEdit={() => setEditing(rule)} onDelete={() => setDeleting(rule)} />}
              </li>
            );
          })}
        </ul>
      )}
      <ComplianceRuleDialog open={editing !== null} rule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      <DeleteConfirm
        item={deleting}
        noun="rule"
        path={`/workspaces/${workspace.id}/compliance-rules/${deleting?.id}`}
        listKey={complianceRulesKey(workspace.id)}
        consequence="Posts are no longer checked against it."
        onClose={() => setDeleting(null)}
      />
    </Section>
  );
}
