import { useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { post } from '../../api/client.ts';
import type { WorkspaceRole } from '../../api/types.ts';
import { membersKey } from '../../api/workspaces.ts';
import { CopyField } from '../../components/CopyField.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { capitalise } from '../../lib/format.ts';
import { formValues } from '../../lib/forms.ts';
import { ROLE_DESCRIPTIONS, WORKSPACE_ROLES } from './roles.ts';

interface Added {
  member: { userId: string; email: string; role: WorkspaceRole };
  invitationUrl: string | null;
}

/**
 * The server builds invitation links from its configured public URL. People open them in this
 * browser's address space, so the link shown uses the address Chorus is open at.
 */
export const linkHere = (url: string): string => {
  try {
    const parsed = new URL(url);
    return window.location.origin + parsed.pathname;
  } catch {
    return url;
  }
};

export function AddMemberForm({ workspaceId }: { workspaceId: string }) {
  const client = useQueryClient();
  const toast = useToast();
  const form = useRef<HTMLFormElement>(null);
  const [role, setRole] = useState<WorkspaceRole>('contributor');
  const [invitation, setInvitation] = useState<{ email: string; url: string } | null>(null);
  const add = useMutation({
    mutationFn: (values: Record<string, string>) => post<Added>(`/workspaces/${workspaceId}/members`, values),
    onSuccess: ({ member, invitationUrl }) => {
      form.current?.reset();
      setRole('contributor');
      void client.invalidateQueries({ queryKey: membersKey(workspaceId) });
      if (invitationUrl) setInvitation({ email: member.email, url: linkHere(invitationUrl) });
      else toast(`${member.email} was added as ${member.role}.`);
    },
  });
  const errors = fieldErrors(add.error);

  return (
    <Section title="Add a member" description="Someone new to your organisation gets an invitation link to set their password.">
      <form
        ref={form}
        className="form form--inline"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const { name, ...values } = formValues(event.currentTarget);
          add.mutate({ ...values, ...(name?.trim() ? { name: name.trim() } : {}) });
        }}
      >
        <TextField label="Email" name="email" type="email" required autoComplete="off" error={errors.email} />
        <TextField label="Name" name="name" autoComplete="off" hint="Optional" error={errors.name} />
        <SelectField label="Role" name="role" value={role} onChange={(event) => setRole(event.target.value as WorkspaceRole)} hint={ROLE_DESCRIPTIONS[role]} error={errors.role}>
          {WORKSPACE_ROLES.map((r) => (
            <option key={r} value={r}>
              {capitalise(r)}
            </option>
          ))}
        </SelectField>
        <div className="form--inline__submit">
          <button type="submit" className="button button--primary" disabled={add.isPending}>
            {add.isPending ? 'Adding…' : 'Add member'}
          </button>
        </div>
      </form>
      <FormError error={add.error} fields={['email', 'name', 'role']} />
      <Dialog
        open={invitation !== null}
        title="Invitation link"
        onClose={() => setInvitation(null)}
        description={
          invitation && (
            <p>
              Send this link to <strong>{invitation.email}</strong> so they can choose a password and join. It is shown only once, works
              once and expires in 7 days.
            </p>
          )
        }
      >
        {invitation && <CopyField label="Invitation link" value={invitation.url} />}
        <div className="form-actions">
          <button type="button" className="button button--primary" onClick={() => setInvitation(null)}>
            Done
          </button>
        </div>
      </Dialog>
    </Section>
  );
}
