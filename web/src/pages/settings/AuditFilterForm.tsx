import { useId } from 'react';
import { KNOWN_ACTIONS, TARGET_TYPES, type AuditFilters } from '../../api/audit.ts';
import type { Member } from '../../api/types.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { formValues } from '../../lib/forms.ts';

/** A local calendar day as the first (or last) instant of that day. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const dayEnd = (day: string) => (day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined);

export function AuditFilterForm({ members, onApply }: { members: Member[]; onApply: (filters: AuditFilters) => void }) {
  const actionsList = useId();
  return (
    <form
      className="filters"
      aria-label="Filter the audit log"
      onSubmit={(event) => {
        event.preventDefault();
        const v = formValues(event.currentTarget);
        onApply({
          action: v.action?.trim() || undefined,
          actorUserId: v.actorUserId || undefined,
          targetType: v.targetType || undefined,
          from: dayStart(v.from ?? ''),
          to: dayEnd(v.to ?? ''),
        });
      }}
      onReset={() => onApply({})}
    >
      <TextField label="Action" name="action" list={actionsList} placeholder="Any action" autoComplete="off" />
      <datalist id={actionsList}>
        {KNOWN_ACTIONS.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      <SelectField label="Actor" name="actorUserId" defaultValue="">
        <option value="">Anyone</option>
        {members.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.name} ({m.email})
          </option>
        ))}
      </SelectField>
      <SelectField label="Target type" name="targetType" defaultValue="">
        <option value="">Any target</option>
        {TARGET_TYPES.map((t) => (
          <option key={t.value} value={t.value}>
            {t.label}
          </option>
        ))}
      </SelectField>
      <TextField label="From" name="from" type="date" />
      <TextField label="To" name="to" type="date" />
      <div className="filters__actions">
        <button type="submit" className="button button--primary">
          Apply
        </button>
        <button type="reset" className="button">
          Clear
        </button>
      </div>
    </form>
  );
}
