import { useEffect, useState } from 'react';
import type { TextCounting } from '../../../../src/connectors/connector.ts';

type Count = (text: string, counting: TextCounting) => number;

/**
 * Counts text exactly as each network does, with the same code the server validates with. The
 * counting rules (X's twitter-text among them) load with the composer, not with the app.
 */
export function useTextCounter(): Count | null {
  const [count, setCount] = useState<Count | null>(null);
  useEffect(() => {
    let live = true;
    void import('../../../../src/connectors/text/count.ts').then((module) => {
      if (live) setCount(() => module.countText);
    });
    return () => {
      live = false;
    };
  }, []);
  return count;
}
