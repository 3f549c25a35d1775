import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { del, patch, post } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { calendarKey, campaignsKey, useCampaigns, type Campaign } from '../../api/publishing.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatDate } from '../../lib/format.ts';
import { formValues } from '../../lib/forms.ts';
import { useShell } from '../../shell/useWorkspace.ts';

const COLOURS = ['#4f46e5', '#0891b2', '#059669', '#ca8a04', '#ea580c', '#dc2626', '#db2777', '#7c3aed', '#475569'];

/** Campaigns group posts (name, goal, dates, colour on the calendar). */
export function Campaigns() {
  const { workspace } = useShell();
  const manage = can(workspace, 'posts.schedule');
  const campaigns = useCampaigns(workspace.id);
  const client = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Campaign | 'new' | null>(null);
  const [removing, setRemoving] = useState<Campaign | null>(null);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: campaignsKey(workspace.id) });
    void client.invalidateQueries({ queryKey: calendarKey(workspace.id) });
  };
  const remove = useMutation({
    mutationFn: (c: Campaign) => del(`/workspaces/${workspace.id}/campaigns/${c.id}`),
    onSuccess: (_d, c) => {
      setRemoving(null);
      toast(`Campaign “${c.name}” deleted. Its posts stay.`);
      refresh();
    },
  });

  return (
    <Section
      title="Campaigns"
      description={manage ? 'Group posts under a campaign to filter the calendar and, later, report on it.' : 'Publishers and admins create and edit campaigns.'}
      actions={
        manage && (
          <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
            New campaign
          </button>
        )
      }
    >
      {campaigns.isPending && <Loading />}
      {campaigns.isError && <FormError error={campaigns.error} />}
      {campaigns.data?.length === 0 && (
        <EmptyState title="No campaigns yet">
          <p>A campaign has a name, a goal, dates and a colour that marks its posts on the calendar.</p>
        </EmptyState>
      )}
      {campaigns.data && campaigns.data.length > 0 && (
        <ul className="campaign-list">
          {campaigns.data.map((c) => (
            <li key={c.id} className="campaign" style={{ borderTopColor: c.color }}>
              <div className="campaign__head">
                <span className="swatch swatch--large" style={{ background: c.color }} aria-hidden="true" />
                <h3>{c.name}</h3>
              </div>
              <p className="campaign__dates muted small">
                {c.startsOn || c.endsOn ? `${c.startsOn ? formatDate(`${c.startsOn}T12:00:00`) : '…'} – ${c.endsOn ? formatDate(`${c.endsOn}T12:00:00`) : '…'}` : 'No dates'}
              </p>
              {c.goal && <p className="campaign__goal">{c.goal}</p>}
              <div className="campaign__actions">
                <Link className="button button--small" to={`/w/${workspace.id}/publish/calendar?view=list&campaign=${c.id}${c.startsOn ? `&date=${c.startsOn}` : ''}`}>
                  Posts<span className="visually-hidden"> of {c.name}</span>
                </Link>
                {manage && (
                  <>
                    <button type="button" className="button button--small" onClick={() => setEditing(c)}>
                      Edit<span className="visually-hidden"> {c.name}</span>
                    </button>
                    <button type="button" className="button button--small button--ghost-danger" onClick={() => setRemoving(c)}>
                      Delete<span className="visually-hidden"> {c.name}</span>
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing && (
        <CampaignDialog
          workspaceId={workspace.id}
          campaign={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(c) => {
            setEditing(null);
            toast(editing === 'new' ? `Campaign “${c.name}” created.` : `Campaign “${c.name}” saved.`);
            refresh();
          }}
        />
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Delete campaign"
        message={removing && <p>Delete “{removing.name}”? Its posts stay, without a campaign.</p>}
        confirmLabel="Delete campaign"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
      />
    </Section>
  );
}

function CampaignDialog({ workspaceId, campaign, onClose, onSaved }: { workspaceId: string; campaign: Campaign | null; onClose: () => void; onSaved: (c: Campaign) => void }) {
  const [color, setColor] = useState(campaign?.color ?? COLOURS[0]!);
  const save = useMutation({
    mutationFn: (values: Record<string, string>) => {
      const body = { name: values.name, goal: values.goal ?? '', color, startsOn: values.startsOn || null, endsOn: values.endsOn || null };
      return campaign
        ? patch<{ campaign: Campaign }>(`/workspaces/${workspaceId}/campaigns/${campaign.id}`, body)
        : post<{ campaign: Campaign }>(`/workspaces/${workspaceId}/campaigns`, body);
    },
    onSuccess: ({ campaign: c }) => onSaved(c),
  });
  const errors = fieldErrors(save.error);
  return (
    <Dialog open title={campaign ? 'Edit campaign' : 'New campaign'} onClose={onClose}>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(formValues(event.currentTarget));
        }}
      >
        <TextField label="Name" name="name" required defaultValue={campaign?.name ?? ''} error={errors.name} placeholder="e.g. Spring launch" />
        <div className="field">
          <label htmlFor="campaign-goal">Goal</label>
          <textarea id="campaign-goal" name="goal" rows={2} defaultValue={campaign?.goal ?? ''} placeholder="What should it achieve?" />
        </div>
        <div className="form--inline">
          <TextField label="Starts" name="startsOn" type="date" defaultValue={campaign?.startsOn ?? ''} error={errors.startsOn} />
          <TextField label="Ends" name="endsOn" type="date" defaultValue={campaign?.endsOn ?? ''} error={errors.endsOn} />
        </div>
        <fieldset className="form__plain">
          <legend className="field-legend">Colour</legend>
          <div className="colour-picker">
            {COLOURS.map((c) => (
              <label key={c} className="colour-picker__option" style={{ background: c }}>
                <input type="radio" name="colour" value={c} checked={color === c} onChange={() => setColor(c)} aria-label={c} />
              </label>
            ))}
            <label className="colour-picker__custom">
              <span className="visually-hidden">Custom colour</span>
              <input type="color" value={color} onChange={(event) => setColor(event.target.value)} />
            </label>
          </div>
          {errors.color && <p className="field__error">{errors.color}</p>}
        </fieldset>
        <FormError error={save.error} fields={['name', 'startsOn', 'endsOn', 'color']} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : campaign ? 'Save campaign' : 'Create campaign'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
