import { useCallback, useState } from 'react';
import { can } from '../../api/session.ts';
import { useMediaLibrary, type MediaFilters, type MediaItem } from '../../api/media.ts';
import type { Workspace } from '../../api/types.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { Loading } from '../../components/Page.tsx';
import { DropZone, MediaPreview, UploadList, mediaName } from './MediaParts.tsx';
import { useUploads } from './useUploads.ts';

interface Props {
  open: boolean;
  workspace: Workspace;
  /** Media already attached, in order; kept selected. */
  selected: readonly MediaItem[];
  /** At most this many files (the strictest network of the post). */
  max?: number;
  onClose: () => void;
  onPick: (media: MediaItem[]) => void;
}

/**
 * Pick media for a post from the library, or upload new files (which are selected as they
 * arrive). Returns the chosen items in the order they were picked.
 */
export function MediaPicker({ open, workspace, selected, max = 4, onClose, onPick }: Props) {
  return open ? <PickerBody workspace={workspace} selected={selected} max={max} onClose={onClose} onPick={onPick} /> : null;
}

function PickerBody({ workspace, selected, max, onClose, onPick }: Omit<Props, 'open'> & { max: number }) {
  const [chosen, setChosen] = useState<MediaItem[]>([...selected]);
  const [filters, setFilters] = useState<MediaFilters>({ kind: '', search: '' });
  const library = useMediaLibrary(workspace.id, filters);
  const add = useCallback((item: MediaItem) => setChosen((all) => (all.some((m) => m.id === item.id) || all.length >= max ? all : [...all, item])), [max]);
  const { uploads, start, dismiss } = useUploads(workspace.id, add);
  const items = library.data?.pages.flatMap((p) => p.media) ?? [];
  const toggle = (item: MediaItem) => setChosen((all) => (all.some((m) => m.id === item.id) ? all.filter((m) => m.id !== item.id) : all.length >= max ? all : [...all, item]));
  const upload = can(workspace, 'posts.draft');

  return (
    <Dialog open title="Add media" onClose={onClose} description={`Choose up to ${max} files. Alt text comes with each file; edit it in the media library.`}>
      <div className="media-picker">
        {upload && (
          <>
            <DropZone compact onFiles={(files) => void start(files)} />
            <UploadList uploads={uploads} onDismiss={dismiss} />
          </>
        )}
        <div className="media-picker__filters">
          <input type="text" aria-label="Search media" placeholder="Search file name or alt text" value={filters.search} onChange={(e) => setFilters((f) => ({ ...f, search: e.target.value }))} />
          <select aria-label="Kind" value={filters.kind} onChange={(e) => setFilters((f) => ({ ...f, kind: e.target.value as MediaFilters['kind'] }))}>
            <option value="">All</option>
            <option value="image">Images</option>
            <option value="video">Videos</option>
          </select>
        </div>
        {library.isPending && <Loading />}
        {library.isError && <FormError error={library.error} />}
        {library.data && items.length === 0 && <p className="muted">No media yet. Upload a file above.</p>}
        {items.length > 0 && (
          <ul className="media-picker__grid" aria-label="Media library">
            {items.map((item) => {
              const index = chosen.findIndex((m) => m.id === item.id);
              return (
                <li key={item.id}>
                  <button
                    type="button"
                    className={`media-option${index >= 0 ? ' media-option--on' : ''}`}
                    aria-pressed={index >= 0}
                    aria-label={`${mediaName(item)}${item.altText ? `: ${item.altText}` : ', no alt text'}`}
                    disabled={index < 0 && chosen.length >= max}
                    onClick={() => toggle(item)}
                  >
                    <MediaPreview item={item} />
                    {index >= 0 && <span className="media-option__order">{index + 1}</span>}
                    {!item.altText.trim() && <span className="media-option__noalt">No alt text</span>}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {library.hasNextPage && (
          <div className="load-more">
            <button type="button" className="button button--small" onClick={() => void library.fetchNextPage()} disabled={library.isFetchingNextPage}>
              Show more
            </button>
          </div>
        )}
      </div>
      <div className="form-actions">
        <span className="muted small media-picker__count">
          {chosen.length} of {max} chosen
        </span>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" onClick={() => onPick(chosen)}>
          {chosen.length === 0 ? 'Attach no media' : `Attach ${chosen.length === 1 ? '1 file' : `${chosen.length} files`}`}
        </button>
      </div>
    </Dialog>
  );
}
