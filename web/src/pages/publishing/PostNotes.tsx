import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { Loading } from '../../components/Page.tsx';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { useShell } from '../../shell/useWorkspace.ts';

interface Note {
  id: string;
  body: string;
  createdAt: string;
  authorId: string | null;
  authorName: string | null;
}

const notesKey = (workspaceId: string, postId: string) => ['notes', workspaceId, postId] as const;

/** Internal notes on a post: for the team, never published. */
export function PostNotes({ postId }: { postId: string }) {
  const { workspace } = useShell();
  const client = useQueryClient();
  const [body, setBody] = useState('');
  const notes = useQuery({ queryKey: notesKey(workspace.id, postId), queryFn: async () => (await get<{ notes: Note[] }>(`/workspaces/${workspace.id}/posts/${postId}/notes`)).notes });
  const add = useMutation({
    mutationFn: (text: string) => post<{ note: Note }>(`/workspaces/${workspace.id}/posts/${postId}/notes`, { body: text }),
    onSuccess: () => {
      setBody('');
      void client.invalidateQueries({ queryKey: notesKey(workspace.id, postId) });
    },
  });
  const mayWrite = can(workspace, 'posts.draft');
  return (
    <section className="notes" aria-label="Internal notes">
      <h2 className="composer__label">Internal notes</h2>
      {notes.isPending && <Loading />}
      {notes.isError && <FormError error={notes.error} />}
      {notes.data?.length === 0 && <p className="muted small">No notes yet. Notes are for your team and are never published.</p>}
      {notes.data && notes.data.length > 0 && (
        <ol className="notes__list">
          {notes.data.map((n) => (
            <li key={n.id} className="note">
              <div className="note__meta">
                <strong>{n.authorName ?? 'Someone'}</strong>
                <time dateTime={n.createdAt} title={formatDateTime(n.createdAt)} className="muted small">
                  {formatRelative(n.createdAt)}
                </time>
              </div>
              <p className="note__body">{n.body}</p>
            </li>
          ))}
        </ol>
      )}
      {mayWrite && (
        <form
          className="notes__add"
          onSubmit={(event) => {
            event.preventDefault();
            if (body.trim()) add.mutate(body.trim());
          }}
        >
          <label htmlFor={`note-${postId}`} className="visually-hidden">
            Add a note
          </label>
          <textarea id={`note-${postId}`} rows={2} maxLength={5000} value={body} placeholder="Add a note for your team…" onChange={(e) => setBody(e.target.value)} />
          <FormError error={add.error} />
          <div className="form-actions">
            <button type="submit" className="button button--small" disabled={!body.trim() || add.isPending}>
              {add.isPending ? 'Adding…' : 'Add note'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
