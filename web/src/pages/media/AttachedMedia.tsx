import { useState } from 'react';
import { useMediaItems, type MediaItem } from '../../api/media.ts';
import type { Variant } from '../../api/publishing.ts';
import type { Workspace } from '../../api/types.ts';
import { ImageIcon } from '../../shell/icons.tsx';
import { MediaPicker } from './MediaPicker.tsx';
import { MediaPreview, mediaName } from './MediaParts.tsx';

interface Props {
  workspace: Workspace;
  mediaIds: readonly string[];
  onChange: (ids: string[]) => void;
  disabled?: boolean;
  max?: number;
  /** The post's variants as last saved: their media problems are listed per profile. */
  variants?: readonly Variant[];
}

/** The composer's media: attached files in order, "Add media" (the picker), and each network's objections. */
export function AttachedMedia({ workspace, mediaIds, onChange, disabled, max = 4, variants = [] }: Props) {
  const [picking, setPicking] = useState(false);
  const items = useMediaItems(workspace.id, mediaIds);
  const attached = items.filter((m): m is MediaItem => !!m);
  const problems = variants.flatMap((v) => v.problems.filter((p) => p.field === 'media').map((p) => ({ ...p, handle: v.handle, profileId: v.profileId })));
  return (
    <div className="field">
      <span className="composer__label">Media</span>
      {mediaIds.length > 0 && (
        <ul className="attached-media" aria-label="Attached media">
          {mediaIds.map((id, index) => {
            const item = items[index];
            return (
              <li key={id}>
                {item ? <MediaPreview item={item} /> : <span className="media-thumb" />}
                {item && !item.altText.trim() && <span className="media-option__noalt">No alt text</span>}
                {!disabled && (
                  <button
                    type="button"
                    className="icon-button icon-button--small attached-media__remove"
                    aria-label={`Remove ${item ? mediaName(item) : 'file'}`}
                    onClick={() => onChange(mediaIds.filter((_, i) => i !== index))}
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!disabled && (
        <div>
          <button type="button" className="button button--small" onClick={() => setPicking(true)}>
            <ImageIcon /> {mediaIds.length ? 'Change media' : 'Add media'}
          </button>
        </div>
      )}
      {problems.length > 0 && (
        <ul className="variant__problems" aria-label="Media problems">
          {problems.map((p, i) => (
            <li key={`${p.profileId}-${i}`}>
              @{p.handle}: {p.message}
            </li>
          ))}
        </ul>
      )}
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
