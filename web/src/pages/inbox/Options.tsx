import { capitalise } from '../../lib/format.ts';

/** `<option>`s for a fixed list of values, labelled by the value itself ("open" → "Open"). */
export function EnumOptions({ values }: { values: readonly string[] }) {
  return values.map((value) => (
    <option key={value} value={value}>
      {capitalise(value)}
    </option>
  ));
}

/** `<option>`s for the workspace's members (by user id) or teams (by id), labelled by name. */
export function NamedOptions({ items }: { items: readonly ({ userId: string; name: string } | { id: string; name: string })[] }) {
  return items.map((item) => {
    const value = 'userId' in item ? item.userId : item.id;
    return (
      <option key={value} value={value}>
        {item.name}
      </option>
    );
  });
}
