import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { post, put } from '../../api/client.ts';
import { complianceRulesKey, type ComplianceRule, type ComplianceRuleConfig, type ComplianceRuleInput, type ComplianceRuleKind } from '../../api/approvals.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { FieldFrame } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { ScopeFields, compactScope } from './ScopeFields.tsx';

export const KIND_LABEL: Record<ComplianceRuleKind, string> = {
  banned_terms: 'Banned words or phrases',
  regex: 'Pattern (regular expression)',
  required_disclaimer: 'Required disclaimer',
  link_domains: 'Link domains',
  max_hashtags: 'Most hashtags',
};

const DEFAULT_CONFIG: { [K in ComplianceRuleKind]: Extract<ComplianceRuleConfig, { kind: K }> } = {
  banned_terms: { kind: 'banned_terms', terms: [] },
  regex: { kind: 'regex', pattern: '', flags: 'i' },
  required_disclaimer: { kind: 'required_disclaimer', disclaimer: '' },
  link_domains: { kind: 'link_domains', mode: 'deny', domains: [] },
  max_hashtags: { kind: 'max_hashtags', max: 5 },
};

/** One entry a line, blanks dropped. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

const blank = (): ComplianceRuleInput => ({
  name: '',
  description: '',
  kind: 'banned_terms',
  config: DEFAULT_CONFIG.banned_terms,
  effect: 'block',
  scope: {},
  enabled: true,
});

export function ComplianceRuleDialog({ rule, open, onClose }: { rule: ComplianceRule | null; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title={rule ? `Edit “${rule.name}”` : 'New compliance rule'} onClose={onClose}>
      {open && <RuleForm key={rule?.id ?? 'new'} rule={rule} onClose={onClose} />}
    </Dialog>
  );
}

function RuleForm({ rule, onClose }: { rule: ComplianceRule | null; onClose: () => void }) {
  const { workspace } = useShell();
  const client = useQueryClient();
  const toast = useToast();
  const id = useId();
  // Only the fields the server takes: the list also carries ids and timestamps.
  const [value, setValue] = useState<ComplianceRuleInput>(() =>
    rule
      ? { name: rule.name, description: rule.description, kind: rule.kind, config: rule.config, effect: rule.effect, scope: rule.scope, enabled: rule.enabled }
      : blank(),
  );
  // List fields are edited as text, so that a half-typed line is not dropped while typing.
  const [listText, setListText] = useState(() =>
    value.config.kind === 'banned_terms' ? value.config.terms.join('\n') : value.config.kind === 'link_domains' ? value.config.domains.join('\n') : '',
  );
  const save = useMutation({
    mutationFn: (body: ComplianceRuleInput) =>
      rule ? put(`/workspaces/${workspace.id}/compliance-rules/${rule.id}`, body) : post(`/workspaces/${workspace.id}/compliance-rules`, body),
    onSuccess: () => {
      toast(rule ? 'Rule saved.' : `Rule “${value.name}” created.`);
      void client.invalidateQueries({ queryKey: complianceRulesKey(workspace.id) });
      onClose();
    },
  });
  const errors = fieldErrors(save.error);
  const configError = (name: string) => errors[`config.${name}`] ?? errors.config;
  const config = value.config;
  const setConfig = (next: ComplianceRuleConfig) => setValue({ ...value, kind: next.kind, config: next });

  const body = (): ComplianceRuleInput => {
    const withLists: ComplianceRuleConfig =
      config.kind === 'banned_terms'
        ? { ...config, terms: lines(listText) }
        : config.kind === 'link_domains'
          ? { ...config, domains: lines(listText) }
          : config;
    return { ...value, name: value.name.trim(), description: value.description.trim(), config: withLists, scope: compactScope(value.scope) };
  };

  return (
    <form
      className="form form--dialog-wide"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(body());
      }}
    >
      <FieldFrame id={`${id}-name`} label="Name" error={errors.name}>
        <input id={`${id}-name`} value={value.name} onChange={(event) => setValue({ ...value, name: event.target.value })} />
      </FieldFrame>
      <FieldFrame
        id={`${id}-description`}
        label="Why (shown to authors)"
        error={errors.description}
        hint="E.g. “Financial promotions need FCA approval: remove the claim or ask Legal.”"
      >
        <textarea id={`${id}-description`} rows={2} value={value.description} onChange={(event) => setValue({ ...value, description: event.target.value })} />
      </FieldFrame>
      <FieldFrame id={`${id}-kind`} label="Kind" error={errors.kind}>
        <select
          id={`${id}-kind`}
          value={value.kind}
          onChange={(event) => {
            setListText('');
            setConfig(DEFAULT_CONFIG[event.target.value as ComplianceRuleKind]);
          }}
        >
          {Object.entries(KIND_LABEL).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
      </FieldFrame>

      {config.kind === 'banned_terms' && (
        <FieldFrame id={`${id}-terms`} label="Words and phrases" error={configError('terms')} hint="One a line. Whole words, any case; plurals count too.">
          <textarea id={`${id}-terms`} rows={4} value={listText} onChange={(event) => setListText(event.target.value)} />
        </FieldFrame>
      )}
      {config.kind === 'regex' && (
        <>
          <FieldFrame id={`${id}-pattern`} label="Pattern" error={configError('pattern')} hint="A JavaScript regular expression, e.g. guarantee(d)? returns">
            <input id={`${id}-pattern`} className="mono" value={config.pattern} onChange={(event) => setConfig({ ...config, pattern: event.target.value })} />
          </FieldFrame>
          <FieldFrame id={`${id}-flags`} label="Flags" error={configError('flags')} hint="i: any case; u: Unicode; s: dot matches new lines.">
            <input id={`${id}-flags`} className="mono" value={config.flags ?? ''} onChange={(event) => setConfig({ ...config, flags: event.target.value })} />
          </FieldFrame>
        </>
      )}
      {config.kind === 'required_disclaimer' && (
        <FieldFrame
          id={`${id}-disclaimer`}
          label="Disclaimer"
          error={configError('disclaimer')}
          hint="Posts must contain this text, e.g. #ad or “Capital at risk.”"
        >
          <input id={`${id}-disclaimer`} value={config.disclaimer} onChange={(event) => setConfig({ ...config, disclaimer: event.target.value })} />
        </FieldFrame>
      )}
      {config.kind === 'link_domains' && (
        <>
          <FieldFrame id={`${id}-mode`} label="Links" error={configError('mode')}>
            <select id={`${id}-mode`} value={config.mode} onChange={(event) => setConfig({ ...config, mode: event.target.value as 'allow' | 'deny' })}>
              <option value="deny">May not point to these domains</option>
              <option value="allow">May only point to these domains</option>
            </select>
          </FieldFrame>
          <FieldFrame id={`${id}-domains`} label="Domains" error={configError('domains')} hint="One a line, e.g. example.com (its subdomains count too).">
            <textarea id={`${id}-domains`} rows={4} value={listText} onChange={(event) => setListText(event.target.value)} />
          </FieldFrame>
        </>
      )}
      {config.kind === 'max_hashtags' && (
        <FieldFrame id={`${id}-max`} label="Most hashtags in a post" error={configError('max')}>
          <input id={`${id}-max`} type="number" min={0} value={config.max} onChange={(event) => setConfig({ ...config, max: Number(event.target.value) })} />
        </FieldFrame>
      )}

      <FieldFrame id={`${id}-effect`} label="When a post breaks it" error={errors.effect}>
        <select
          id={`${id}-effect`}
          value={value.effect}
          onChange={(event) => setValue({ ...value, effect: event.target.value as ComplianceRuleInput['effect'] })}
        >
          <option value="block">Block: the post cannot be scheduled</option>
          <option value="sensitive">Mark sensitive: it goes through the workflow for sensitive posts</option>
        </select>
      </FieldFrame>
      <fieldset className="form__group">
        <legend>Applies to posts</legend>
        <ScopeFields value={value.scope} onChange={(scope) => setValue({ ...value, scope })} />
      </fieldset>
      <label className="switch-row">
        <input type="checkbox" checked={value.enabled} onChange={(event) => setValue({ ...value, enabled: event.target.checked })} />
        <span className="switch-row__label">Enabled</span>
      </label>

      <FormError
        error={save.error}
        fields={[
          'name',
          'description',
          'kind',
          'effect',
          'config',
          'config.terms',
          'config.pattern',
          'config.flags',
          'config.disclaimer',
          'config.mode',
          'config.domains',
          'config.max',
        ]}
      />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : rule ? 'Save rule' : 'Create rule'}
        </button>
      </div>
    </form>
  );
}
