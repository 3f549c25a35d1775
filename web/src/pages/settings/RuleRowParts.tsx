import type { ReactNode } from 'react';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { del } from '../../api/client.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { useToast } from '../../components/Toasts.tsx';

/** Edit and Delete for one row of a settings list, after any row-specific buttons. */
export function RowActions({ name, onEdit, onDelete, children }: { name: string; onEdit: () => void; onDelete: () => void; children?: ReactNode }) {
  return (
    <div className="rule-row__actions">
      {children}
      <button type="button" className="button button--small" aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </button>
      <button type="button" className="button button--small button--ghost-danger" aria-label={`Delete ${name}`} onClick={onDelete}>
        Delete
      </button>
    </div>
  );
}

/** Asks before deleting one named item at `path`, then refreshes the list it came from. */
export function DeleteConfirm({
  item,
  noun,
  path,
  listKey,
  consequence,
  onClose,
}: {
  item: { name: string } | null;
  noun: string;
  path: string;
  listKey: QueryKey;
  consequence: string;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: () => del(path),
    onSuccess: () => {
      toast(`${noun.charAt(0).toUpperCase()}${noun.slice(1)} “${item?.name}” deleted.`);
      void client.invalidateQueries({ queryKey: listKey });
      onClose();
    },
  });
  return (
    <ConfirmDialog
      open={item !== null}
      title={`Delete ${noun}`}
      message={
        item && (
          <p>
            Delete the {noun} <strong>{item.name}</strong>? {consequence}
          </p>
        )
      }
      confirmLabel={`Delete ${noun}`}
      busy={remove.isPending}
      error={<FormError error={remove.error} />}
      onConfirm={() => remove.mutate()}
      onClose={() => {
        onClose();
        remove.reset();
      }}
    />
  );
}
