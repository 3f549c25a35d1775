import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { addNote, useInboxRefresh } from '../../api/inbox.ts';
import { FormError } from '../../components/FormError.tsx';

export const NOTE_BOX_ID = 'inbox-note';

/** An internal note for the team; the customer never sees it. */
export function NoteBox({ workspaceId, conversationId }: { workspaceId: string; conversationId: string }) {
  const [body, setBody] = useState('');
  const refresh = useInboxRefresh(workspaceId);
  const add = useMutation({
    mutationFn: (text: string) => addNote(workspaceId, conversationId, text),
    onSuccess: () => {
      setBody('');
      void refresh();
    },
  });
  const submit = () => {
    if (body.trim() && !add.isPending) add.mutate(body.trim());
  };
  return (
    <form
      className="inbox-note-form"
      aria-label="Internal note"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor={NOTE_BOX_ID} className="inbox-reply__label">
        Internal note <span className="badge badge--warning">only your team sees it</span>
      </label>
      <textarea
        id={NOTE_BOX_ID}
        rows={2}
        maxLength={5000}
        value={body}
        placeholder="Add a note for your team…"
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
            event.preventDefault();
            submit();
          }
        }}
      />
      <FormError error={add.error} />
      <div className="inbox-reply__actions">
        <button type="submit" className="button button--small" disabled={!body.trim() || add.isPending}>
          {add.isPending ? 'Adding…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
