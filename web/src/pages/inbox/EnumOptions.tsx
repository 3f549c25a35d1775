import { capitalise } from '../../lib/format.ts';

/** `<option>`s for a fixed list of values, labelled by the value itself ("open" → "Open"). */
export function EnumOptions({ values }: { values: readonly string[] }) {
  return values.map((value) => (
    <option key={value} value={value}>
      {capitalise(value)}
    </option>
  ));
}
