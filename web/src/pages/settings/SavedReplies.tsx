import { useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deleteSavedReply, saveSavedReply, savedRepliesKey, useSavedReplies, type SavedReply } from '../../api/inbox.ts';
import { can } from '../../api/session.ts';
import { useTeams } from '../../api/workspaces.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import '../../styles/inbox.css';

type Editing = Partial<SavedReply> | null;

/** Settings → Saved replies: answers the team gives often, with variables filled in when used. */
export function SavedReplies() {
  const { workspace } = useShell();
  const manage = can(workspace, 'inbox.manage');
  const replies = useSavedReplies(workspace.id);
  const teams = useTeams(workspace.id).data ?? [];
  const client = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<SavedReply | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: savedRepliesKey(workspace.id) });
  const remove = useMutation({
    mutationFn: (reply: SavedReply) => deleteSavedReply(workspace.id, reply.id),
    onSuccess: (_data, reply) => {
      setDeleting(null);
      toast(`Saved reply “${reply.name}” deleted.`);
      void refresh();
    },
  });
  const list = replies.data?.savedReplies;

  return (
    <>
      <Section
        title="Saved replies"
        description={
          manage
            ? 'Answers your team gives often. In the inbox, pick one to fill the reply box; variables such as {{author.name}} become the customer’s name.'
            : 'Answers your team gives often, offered in the inbox’s reply box. Only workspace owners and admins can change them.'
        }
        actions={
          manage && (
            <button type="button" className="button button--primary" onClick={() => setEditing({ teamId: null })}>
              New saved reply
            </button>
          )
        }
      >
        {replies.isPending && <Loading />}
        {replies.isError && <FormError error={replies.error} />}
        {list?.length === 0 && (
          <EmptyState title="No saved replies yet">
            <p>{manage ? 'Create one for the questions you answer every day.' : 'Nobody has written a saved reply yet.'}</p>
          </EmptyState>
        )}
        {list && list.length > 0 && (
          <ul className="plain-list">
            {list.map((reply) => (
              <li key={reply.id} className="plain-list__row saved-reply">
                <div className="saved-reply__text">
                  <strong>{reply.name}</strong>
                  {reply.teamId && <span className="badge badge--muted">{teams.find((t) => t.id === reply.teamId)?.name ?? 'A team'}</span>}
                  <p className="muted small saved-reply__body">{reply.body}</p>
                </div>
                {manage && (
                  <div className="table__actions">
                    <button type="button" className="button button--small" aria-label={`Edit ${reply.name}`} onClick={() => setEditing(reply)}>
                      Edit
                    </button>
                    <button type="button" className="button button--small button--ghost-danger" aria-label={`Delete ${reply.name}`} onClick={() => setDeleting(reply)}>
                      Delete
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <SavedReplyDialog
        editing={editing}
        workspaceId={workspace.id}
        teams={teams}
        variables={replies.data?.variables ?? []}
        onClose={() => setEditing(null)}
        onSaved={(reply) => {
          setEditing(null);
          toast(`Saved reply “${reply.name}” saved.`);
          void refresh();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete saved reply"
        message={deleting && <p>Delete the saved reply <strong>{deleting.name}</strong>?</p>}
        confirmLabel="Delete"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </>
  );
}

interface DialogProps {
  editing: Editing;
  workspaceId: string;
  teams: { id: string; name: string }[];
  variables: string[];
  onClose: () => void;
  onSaved: (reply: SavedReply) => void;
}

function SavedReplyDialog({ editing, workspaceId, teams, variables, onClose, onSaved }: DialogProps) {
  const body = useRef<HTMLTextAreaElement>(null);
  const save = useMutation({
    mutationFn: (values: { name: string; body: string; teamId: string | null }) => saveSavedReply(workspaceId, { ...values, ...(editing?.id ? { id: editing.id } : {}) }),
    onSuccess: ({ savedReply }) => onSaved(savedReply),
  });
  const errors = fieldErrors(save.error);
  const close = () => {
    save.reset();
    onClose();
  };
  // Puts {{variable}} where the cursor is, so nobody has to type the braces.
  const insert = (variable: string) => {
    const area = body.current;
    if (!area) return;
    const token = `{{${variable}}}`;
    const { selectionStart, selectionEnd, value } = area;
    area.value = value.slice(0, selectionStart) + token + value.slice(selectionEnd);
    area.focus();
    area.setSelectionRange(selectionStart + token.length, selectionStart + token.length);
  };
  return (
    <Dialog open={editing !== null} title={editing?.id ? 'Edit saved reply' : 'New saved reply'} onClose={close}>
      {editing && (
        <form
          className="form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            save.mutate({ name: String(data.get('name') ?? ''), body: String(data.get('body') ?? ''), teamId: String(data.get('teamId') ?? '') || null });
          }}
        >
          <TextField label="Name" name="name" required defaultValue={editing.name} error={errors.name} hint="What agents pick in the inbox, e.g. “Broken order”." />
          <div className={`field${errors.body ? ' field--invalid' : ''}`}>
            <label htmlFor="saved-reply-body">Text</label>
            <textarea ref={body} id="saved-reply-body" name="body" rows={6} required maxLength={10_000} defaultValue={editing.body} aria-describedby="saved-reply-variables" />
            {errors.body && <p className="field__error">{errors.body}</p>}
          </div>
          <div id="saved-reply-variables" className="saved-reply__variables">
            <p className="small muted">Variables, filled in for each conversation (click to insert):</p>
            <ul className="chips">
              {variables.map((v) => (
                <li key={v}>
                  <button type="button" className="chip chip--button" onClick={() => insert(v)}>{`{{${v}}}`}</button>
                </li>
              ))}
            </ul>
          </div>
          <SelectField label="Offered first to" name="teamId" defaultValue={editing.teamId ?? ''} error={errors.teamId}>
            <option value="">Everyone</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </SelectField>
          <FormError error={save.error} fields={['name', 'body', 'teamId']} />
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save reply'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
