import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { del } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { mediaKey, useMediaLibrary, type MediaFilters, type MediaItem } from '../../api/media.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatRelative } from '../../lib/format.ts';
import { ImageIcon } from '../../shell/icons.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { AltTextEditor, DropZone, MediaPreview, UploadList, mediaFacts, mediaName } from './MediaParts.tsx';
import { useUploads } from './useUploads.ts';

/** Publish → Media: the workspace's images and videos, for reuse across posts. */
export function MediaLibrary() {
  const { workspace } = useShell();
  const editable = can(workspace, 'posts.draft');
  const [filters, setFilters] = useState<MediaFilters>({ kind: '', search: '' });
  const library = useMediaLibrary(workspace.id, filters);
  const { uploads, start, dismiss } = useUploads(workspace.id);
  const client = useQueryClient();
  const toast = useToast();
  const [removing, setRemoving] = useState<MediaItem | null>(null);
  const remove = useMutation({
    mutationFn: (item: MediaItem) => del(`/workspaces/${workspace.id}/media/${item.id}`),
    onSuccess: (_d, item) => {
      setRemoving(null);
      toast(`${mediaName(item)} deleted.`);
      void client.invalidateQueries({ queryKey: mediaKey(workspace.id) });
    },
  });
  const items = library.data?.pages.flatMap((p) => p.media) ?? [];
  const total = library.data?.pages[0]?.total ?? 0;
  const filtered = !!(filters.kind || filters.search);
  const missingAlt = items.filter((i) => !i.altText.trim()).length;

  return (
    <Section
      title="Media library"
      description={editable ? 'Images and videos to attach to posts. Add alt text once; every post that uses the file carries it.' : 'Images and videos of this workspace. Contributors and publishers upload and edit them.'}
    >
      {editable && (
        <>
          <DropZone onFiles={(files) => void start(files)} />
          <UploadList uploads={uploads} onDismiss={dismiss} />
        </>
      )}
      <div className="filters media-filters" role="search" aria-label="Filter media">
        <div className="field">
          <label htmlFor="media-search">Search</label>
          <input id="media-search" type="text" placeholder="File name or alt text" value={filters.search} onChange={(e) => setFilters((f) => ({ ...f, search: e.target.value }))} />
        </div>
        <div className="field">
          <label htmlFor="media-kind">Kind</label>
          <select id="media-kind" value={filters.kind} onChange={(e) => setFilters((f) => ({ ...f, kind: e.target.value as MediaFilters['kind'] }))}>
            <option value="">Images and videos</option>
            <option value="image">Images</option>
            <option value="video">Videos</option>
          </select>
        </div>
      </div>
      {library.isPending && <Loading />}
      {library.isError && <FormError error={library.error} />}
      {library.data && items.length === 0 && (
        <EmptyState icon={<ImageIcon />} title={filtered ? 'Nothing matches' : 'No media yet'}>
          <p>{filtered ? 'No file matches these filters.' : 'Upload images and videos here, or from the composer, to use them in posts.'}</p>
        </EmptyState>
      )}
      {items.length > 0 && (
        <>
          <p className="muted small" aria-live="polite">
            {total === 1 ? '1 file' : `${total} files`}
            {editable && missingAlt > 0 && ` · ${missingAlt} shown without alt text: describe them so everyone can follow your posts.`}
          </p>
          <ul className="media-grid" aria-label="Media files">
            {items.map((item) => (
              <li key={item.id} className={`media-card${item.altText.trim() ? '' : ' media-card--no-alt'}`} aria-label={mediaName(item)}>
                <a href={item.fileUrl} target="_blank" rel="noreferrer" className="media-card__preview" aria-label={`Open ${mediaName(item)}`}>
                  <MediaPreview item={item} />
                </a>
                <div className="media-card__body">
                  <div className="media-card__head">
                    <span className="media-card__name" title={mediaName(item)}>
                      {mediaName(item)}
                    </span>
                    {editable && (
                      <button type="button" className="icon-button icon-button--small media-card__delete" aria-label={`Delete ${mediaName(item)}`} onClick={() => setRemoving(item)}>
                        <span aria-hidden="true">×</span>
                      </button>
                    )}
                  </div>
                  <p className="muted small">
                    {mediaFacts(item)} · {formatRelative(item.createdAt)}
                  </p>
                  <AltTextEditor key={item.id + item.altText} workspaceId={workspace.id} item={item} editable={editable} />
                </div>
              </li>
            ))}
          </ul>
          {library.hasNextPage && (
            <div className="load-more">
              <button type="button" className="button" onClick={() => void library.fetchNextPage()} disabled={library.isFetchingNextPage}>
                {library.isFetchingNextPage ? 'Loading…' : 'Show more'}
              </button>
            </div>
          )}
        </>
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Delete media"
        message={
          removing && (
            <p>
              Delete {mediaName(removing)} from the library? Posts already published keep it; drafts and scheduled posts that use it will say that it is missing.
            </p>
          )
        }
        confirmLabel="Delete"
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
