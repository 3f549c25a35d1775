import { useEffect, useState } from 'react';
import { post } from '../../api/client.ts';
import type { Problem } from '../../api/publishing.ts';

const DELAY_MS = 400;

interface CheckAnswer {
  results: { profileId: string; network: string; problems: Problem[] }[];
}

/**
 * Asks the server what each network would refuse, a moment after typing stops. Profiles that share
 * a text are checked together; each tailored text on its own.
 */
export function useComposeCheck(workspaceId: string, targets: { profileId: string; text: string }[], enabled: boolean): Record<string, Problem[]> {
  const [problems, setProblems] = useState<Record<string, Problem[]>>({});
  const signature = JSON.stringify(targets);
  useEffect(() => {
    if (!enabled) return;
    const wanted: { profileId: string; text: string }[] = JSON.parse(signature);
    if (wanted.length === 0) {
      setProblems({});
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      const byText = new Map<string, string[]>();
      for (const t of wanted) byText.set(t.text, [...(byText.get(t.text) ?? []), t.profileId]);
      try {
        const answers = await Promise.all(
          [...byText].map(([text, profileIds]) => post<CheckAnswer>(`/workspaces/${workspaceId}/compose/check`, { text, profileIds })),
        );
        if (!live) return;
        const next: Record<string, Problem[]> = {};
        for (const answer of answers) for (const r of answer.results) next[r.profileId] = r.problems;
        setProblems(next);
      } catch {
        // A failed check shows nothing new; scheduling checks again on the server anyway.
      }
    }, DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [workspaceId, signature, enabled]);
  return problems;
}
