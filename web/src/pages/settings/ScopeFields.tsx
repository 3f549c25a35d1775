import type { PostScope } from '../../api/approvals.ts';
import { useCampaigns, useNetworks, useProfiles } from '../../api/publishing.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { TagInput } from '../publishing/TagInput.tsx';

/** A set of checkboxes for a list of ids; none ticked means "any". */
export function CheckList({
  legend,
  options,
  value,
  onChange,
  hint = 'None ticked: any.',
}: {
  legend: string;
  options: readonly { id: string; label: string }[];
  value: readonly string[] | undefined;
  onChange: (next: string[]) => void;
  hint?: string;
}) {
  const chosen = value ?? [];
  return (
    <fieldset className="form__plain field">
      <legend>{legend}</legend>
      {options.length === 0 ? (
        <p className="muted small">None to choose from yet.</p>
      ) : (
        <div className="check-group">
          {options.map((option) => (
            <label key={option.id}>
              <input
                type="checkbox"
                checked={chosen.includes(option.id)}
                onChange={(event) => onChange(event.target.checked ? [...chosen, option.id] : chosen.filter((id) => id !== option.id))}
              />
              {option.label}
            </label>
          ))}
        </div>
      )}
      <p className="field__hint">{hint}</p>
    </fieldset>
  );
}

/** Drops empty lists, so that "any" is stored as an absent condition. */
export function compactScope<T extends object>(scope: T): T {
  const out = { ...scope };
  for (const key of Object.keys(out) as (keyof T)[]) {
    const value = out[key];
    if (Array.isArray(value) && value.length === 0) delete out[key];
  }
  return out;
}

/** Which posts something applies to: profiles, networks, tags and campaigns. */
export function ScopeFields({ value, onChange }: { value: PostScope; onChange: (next: PostScope) => void }) {
  const { workspace } = useShell();
  const profiles = useProfiles(workspace.id);
  const networks = useNetworks();
  const campaigns = useCampaigns(workspace.id);
  return (
    <>
      <CheckList
        legend="Profiles"
        options={(profiles.data ?? []).map((p) => ({ id: p.id, label: `@${p.handle}` }))}
        value={value.profileIds}
        onChange={(profileIds) => onChange({ ...value, profileIds })}
      />
      <CheckList
        legend="Networks"
        options={(networks.data ?? []).map((n) => ({ id: n.network, label: n.displayName }))}
        value={value.networks}
        onChange={(next) => onChange({ ...value, networks: next })}
      />
      <CheckList
        legend="Campaigns"
        options={(campaigns.data ?? []).map((c) => ({ id: c.id, label: c.name }))}
        value={value.campaignIds}
        onChange={(campaignIds) => onChange({ ...value, campaignIds })}
      />
      <TagInput tags={value.tags ?? []} onChange={(tags) => onChange({ ...value, tags })} />
      <p className="field__hint">Posts with any of these tags; none: any tags.</p>
    </>
  );
}

/** "Profiles @a, @b · Tags launch": a scope in words for lists; empty when it applies to every post. */
export function describeScope(scope: PostScope, names: { profiles: Map<string, string>; campaigns: Map<string, string> }): string[] {
  const parts: string[] = [];
  if (scope.profileIds?.length) parts.push(`Profiles ${scope.profileIds.map((id) => names.profiles.get(id) ?? '(removed)').join(', ')}`);
  if (scope.networks?.length) parts.push(`Networks ${scope.networks.join(', ')}`);
  if (scope.campaignIds?.length) parts.push(`Campaigns ${scope.campaignIds.map((id) => names.campaigns.get(id) ?? '(deleted)').join(', ')}`);
  if (scope.tags?.length) parts.push(`Tags ${scope.tags.join(', ')}`);
  return parts;
}

/** Names of profiles and campaigns by id, for describeScope. */
export function useScopeNames() {
  const { workspace } = useShell();
  const profiles = useProfiles(workspace.id);
  const campaigns = useCampaigns(workspace.id);
  return {
    profiles: new Map((profiles.data ?? []).map((p) => [p.id, `@${p.handle}`])),
    campaigns: new Map((campaigns.data ?? []).map((c) => [c.id, c.name])),
  };
}
