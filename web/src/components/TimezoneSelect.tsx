import { useMemo } from 'react';
import { timezones } from '../lib/timezones.ts';
import { SelectField } from './Field.tsx';

interface Props {
  name?: string;
  label?: string;
  defaultValue?: string;
  error?: string | undefined;
  disabled?: boolean;
  hint?: string;
}

export function TimezoneSelect({ name = 'timezone', label = 'Time zone', defaultValue, error, disabled, hint }: Props) {
  const zones = useMemo(() => {
    const all = timezones();
    return defaultValue && !all.includes(defaultValue) ? [defaultValue, ...all] : all;
  }, [defaultValue]);
  return (
    <SelectField label={label} name={name} defaultValue={defaultValue ?? 'UTC'} error={error} disabled={disabled} hint={hint}>
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replace(/_/g, ' ')}
        </option>
      ))}
    </SelectField>
  );
}
