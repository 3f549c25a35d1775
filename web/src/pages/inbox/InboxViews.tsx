import { useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deleteView, inboxKey, saveView, useInboxCounts, useInboxViews, type InboxFilters } from '../../api/inbox.ts';
import { useProfiles } from '../../api/publishing.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { NetworkIcon, networkName } from '../../components/NetworkIcon.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { BUILT_IN_VIEWS, sameFilters } from './filters.ts';

interface Props {
  workspaceId: string;
  filters: InboxFilters;
  /** Tags seen in the conversations loaded so far, offered as views. */
  tags: string[];
  onPick: (filters: InboxFilters) => void;
}

/** The left pane: built-in views with unread counts, networks, tags and saved views. */
export function InboxViews({ workspaceId, filters, tags, onPick }: Props) {
  const counts = useInboxCounts(workspaceId);
  const views = useInboxViews(workspaceId);
  const profiles = useProfiles(workspaceId);
  const networks = [...new Set((profiles.data ?? []).map((p) => p.network))];
  const allTags = [...new Set([...tags, ...(filters.tag ? [filters.tag] : [])])].sort();
  const [saving, setSaving] = useState(false);
  const client = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (viewId: string) => deleteView(workspaceId, viewId),
    onSuccess: () => void client.invalidateQueries({ queryKey: [...inboxKey(workspaceId), 'views'] }),
  });

  const item = (key: string, label: ReactNode, target: InboxFilters, count?: number, extra?: ReactNode) => {
    const current = sameFilters(filters, target);
    return (
      <li key={key} className="inbox-views__item">
        <button type="button" className={`inbox-views__link${current ? ' is-current' : ''}`} aria-current={current ? 'true' : undefined} onClick={() => onPick(target)}>
          <span className="inbox-views__label">{label}</span>
          {count !== undefined && count > 0 && (
            <span className="inbox-views__count" aria-label={`${count} unread`}>
              {count}
            </span>
          )}
        </button>
        {extra}
      </li>
    );
  };

  return (
    <nav className="inbox-views" aria-label="Inbox views">
      <ul>{BUILT_IN_VIEWS.map((view) => item(view.id, view.label, view.filters, view.countKey && counts.data?.[view.countKey].unread))}</ul>
      {networks.length > 0 && (
        <>
          <h2 className="inbox-views__heading">Networks</h2>
          <ul>
            {networks.map((network) =>
              item(
                network,
                <>
                  <NetworkIcon network={network} size={16} /> {networkName(network)}
                </>,
                { network, status: 'open' },
              ),
            )}
          </ul>
        </>
      )}
      {allTags.length > 0 && (
        <>
          <h2 className="inbox-views__heading">Tags</h2>
          <ul>{allTags.map((tag) => item(`tag-${tag}`, `#${tag}`, { tag, status: 'open' }))}</ul>
        </>
      )}
      <h2 className="inbox-views__heading">Saved views</h2>
      {views.data && views.data.length > 0 ? (
        <ul>
          {views.data.map((view) =>
            item(
              view.id,
              view.name,
              view.filters,
              counts.data?.views.find((v) => v.id === view.id)?.unread,
              <button type="button" className="icon-button icon-button--small inbox-views__delete" aria-label={`Delete view ${view.name}`} onClick={() => remove.mutate(view.id)}>
                <span aria-hidden="true">×</span>
              </button>,
            ),
          )}
        </ul>
      ) : (
        <p className="muted small inbox-views__empty">{views.isError ? 'Saved views are unavailable.' : 'None yet.'}</p>
      )}
      <button type="button" className="button button--small button--block" onClick={() => setSaving(true)}>
        Save current filters as view
      </button>
      <SaveViewDialog
        open={saving}
        workspaceId={workspaceId}
        filters={filters}
        onClose={() => setSaving(false)}
        onSaved={(name) => {
          setSaving(false);
          toast(`View “${name}” saved.`);
        }}
      />
    </nav>
  );
}

function SaveViewDialog({ open, workspaceId, filters, onClose, onSaved }: { open: boolean; workspaceId: string; filters: InboxFilters; onClose: () => void; onSaved: (name: string) => void }) {
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: ({ name, shared }: { name: string; shared: boolean }) => saveView(workspaceId, name, filters, shared),
    onSuccess: ({ view }) => {
      void client.invalidateQueries({ queryKey: [...inboxKey(workspaceId), 'views'] });
      onSaved(view.name);
    },
  });
  const close = () => {
    save.reset();
    onClose();
  };
  return (
    <Dialog open={open} title="Save view" onClose={close}>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          save.mutate({ name: String(data.get('name') ?? '').trim(), shared: data.get('shared') === 'on' });
        }}
      >
        <TextField label="Name" name="name" required error={fieldErrors(save.error).name} hint="The filters and search now applied are saved under this name." />
        <label className="switch-row">
          <input type="checkbox" name="shared" />
          <span className="switch-row__label">Share with everyone in the workspace</span>
        </label>
        <FormError error={save.error} fields={['name']} />
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save view'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
