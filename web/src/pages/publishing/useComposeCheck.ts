import { useEffect, useState } from 'react';
import { post } from '../../api/client.ts';
import type { Problem } from '../../api/publishing.ts';
import type { ComplianceResult } from '../../../../src/approvals/compliance-check.ts';

export type { ComplianceResult };

const DELAY_MS = 400;

interface CheckAnswer {
  results: { profileId: string; network: string; problems: Problem[] }[];
  compliance: ComplianceResult;
}

const NO_VIOLATIONS: ComplianceResult = { violations: [], blocked: false, sensitive: false };

/**
 * Asks the server what each network would refuse and which compliance rules the text breaks, a
 * moment after typing stops. Profiles that share a text are checked together; each tailored text on its own.
 */
/** One profile's text and the media that go with it, in order. */
export interface CheckTarget {
  profileId: string;
  text: string;
  mediaIds?: string[];
}

export function useComposeCheck(
  workspaceId: string,
  targets: CheckTarget[],
  enabled: boolean,
  context: { tags: string[]; campaignId: string | null } = { tags: [], campaignId: null },
): { problems: Record<string, Problem[]>; compliance: ComplianceResult } {
  const [state, setState] = useState<{ problems: Record<string, Problem[]>; compliance: ComplianceResult }>({ problems: {}, compliance: NO_VIOLATIONS });
  const signature = JSON.stringify({ targets, context });
  useEffect(() => {
    if (!enabled) return;
    const wanted: { targets: CheckTarget[]; context: { tags: string[]; campaignId: string | null } } = JSON.parse(signature);
    if (wanted.targets.length === 0) {
      setState({ problems: {}, compliance: NO_VIOLATIONS });
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      // Profiles with the same text and media are checked in one call.
      const groups = new Map<string, { text: string; mediaIds: string[]; profileIds: string[] }>();
      for (const t of wanted.targets) {
        const key = JSON.stringify([t.text, t.mediaIds ?? []]);
        const group = groups.get(key) ?? { text: t.text, mediaIds: t.mediaIds ?? [], profileIds: [] };
        group.profileIds.push(t.profileId);
        groups.set(key, group);
      }
      try {
        const answers = await Promise.all([...groups.values()].map((group) => post<CheckAnswer>(`/workspaces/${workspaceId}/compose/check`, { ...group, ...wanted.context })));
        if (!live) return;
        const problems: Record<string, Problem[]> = {};
        for (const answer of answers) for (const r of answer.results) problems[r.profileId] = r.problems;
        const violations = answers.flatMap((a) => a.compliance?.violations ?? []);
        setState({
          problems,
          compliance: { violations, blocked: violations.some((v) => v.effect === 'block'), sensitive: violations.some((v) => v.effect === 'sensitive') },
        });
      } catch {
        // A failed check shows nothing new; scheduling checks again on the server anyway.
      }
    }, DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [workspaceId, signature, enabled]);
  return state;
}
