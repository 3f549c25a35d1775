import type { SocialProfile } from '../../api/publishing.ts';
import type { ComplianceResult } from './useComposeCheck.ts';

/** The workspace's compliance rules the draft breaks, as the author types: which rule, why, and what it does. */
export function ComplianceNotes({ result, profiles }: { result: ComplianceResult; profiles: readonly SocialProfile[] }) {
  if (result.violations.length === 0) return null;
  const handle = (profileId: string | null) => profiles.find((p) => p.id === profileId)?.handle;
  return (
    <section className={`alert compliance-notes ${result.blocked ? 'alert--error' : 'compliance-notes--sensitive'}`} aria-label="Compliance">
      <p>
        <strong>{result.blocked ? 'This post breaks compliance rules and cannot be published as it is.' : 'This post needs stricter approval.'}</strong>
      </p>
      <ul className="violations">
        {result.violations.map((v, i) => (
          <li key={`${v.ruleId}-${v.profileId}-${i}`}>
            <strong>{v.ruleName}</strong>
            {handle(v.profileId) && ` (@${handle(v.profileId)})`}: {v.message}
            {v.match && (
              <>
                {' '}
                Found: <mark>{v.match}</mark>
              </>
            )}{' '}
            <span className={`badge ${v.effect === 'block' ? 'badge--danger' : 'badge--warning'}`}>{v.effect === 'block' ? 'blocks' : 'needs stricter approval'}</span>
            {v.description && <span className="muted small"> {v.description}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
