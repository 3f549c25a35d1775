import { useState } from 'react';
import { useMediaItems, type MediaItem } from '../../api/media.ts';
import type { Workspace } from '../../api/types.ts';
import { ImageIcon } from '../../shell/icons.tsx';
import { MediaPicker } from '../media/MediaPicker.tsx';
import { MediaPreview, mediaName } from '../media/MediaParts.tsx';
import '../../styles/compose.css';

interface Props {
  workspace: Workspace;
  handle: string;
  /** This profile's own media in order, or null when it takes the post's shared media. */
  own: string[] | null;
  shared: readonly string[];
  /** Attachments this profile's network takes. */
  max: number;
  onChange: (own: string[] | null) => void;
}

/**
 * Media for one tailored profile: the shared media until it chooses its own (from the library, in
 * an order it sets), and back to the shared media with one click.
 */
export function VariantMedia({ workspace, handle, own, shared, max, onChange }: Props) {
  const [picking, setPicking] = useState(false);
  const ids = own ?? shared;
  const items = useMediaItems(workspace.id, ids);
  const attached = items.filter((m): m is MediaItem => !!m);
  const move = (index: number, by: number) => {
    const next = [...ids];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    onChange(next);
  };
  return (
    <div className="variant-media" role="group" aria-label={`Media for @${handle}`}>
      <p className="field__hint">{own ? `@${handle} has its own media.` : ids.length ? `@${handle} uses the shared media.` : `No media for @${handle}.`}</p>
      {own && own.length > 0 && (
        <ol className="attached-media variant-media__list">
          {own.map((id, index) => {
            const item = items[index];
            const name = item ? mediaName(item) : 'file';
            return (
              <li key={`${id}-${index}`}>
                {item ? <MediaPreview item={item} /> : <span className="media-thumb" />}
                <span className="variant-media__order">
                  <button type="button" className="icon-button icon-button--small" aria-label={`Move ${name} earlier for @${handle}`} disabled={index === 0} onClick={() => move(index, -1)}>
                    <span aria-hidden="true">‹</span>
                  </button>
                  <button type="button" className="icon-button icon-button--small" aria-label={`Move ${name} later for @${handle}`} disabled={index === own.length - 1} onClick={() => move(index, 1)}>
                    <span aria-hidden="true">›</span>
                  </button>
                  <button type="button" className="icon-button icon-button--small" aria-label={`Remove ${name} for @${handle}`} onClick={() => onChange(own.filter((_, i) => i !== index))}>
                    <span aria-hidden="true">×</span>
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div className="variant-media__actions">
        <button type="button" className="button button--small" onClick={() => setPicking(true)}>
          <ImageIcon /> {own ? `Change media for @${handle}` : `Own media for @${handle}`}
        </button>
        {own && (
          <button type="button" className="button button--small" onClick={() => onChange(null)}>
            Use the shared media
          </button>
        )}
      </div>
      <MediaPicker
        open={picking}
        workspace={workspace}
        selected={attached}
        max={max}
        onClose={() => setPicking(false)}
        onPick={(chosen) => {
          setPicking(false);
          onChange(chosen.map((m) => m.id));
        }}
      />
    </div>
  );
}
