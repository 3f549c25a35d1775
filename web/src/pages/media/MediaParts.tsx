import { useId, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, patch } from '../../api/client.ts';
import { ACCEPT, formatBytes, formatDuration, mediaKey, type MediaItem } from '../../api/media.ts';
import { ImageIcon, UploadIcon, VideoIcon } from '../../shell/icons.tsx';
import type { Upload } from './useUploads.ts';

/** The picture of a media item: its thumbnail, or for a video a still from the file itself. */
export function MediaPreview({ item }: { item: MediaItem }) {
  if (item.kind === 'video') {
    return (
      <span className="media-thumb media-thumb--video">
        <video src={`${item.fileUrl}#t=0.1`} preload="metadata" muted playsInline aria-hidden="true" tabIndex={-1} />
        <span className="media-thumb__badge">
          <VideoIcon />
          {formatDuration(item.durationSeconds)}
        </span>
      </span>
    );
  }
  return (
    <span className="media-thumb">
      {item.thumbnailUrl ? <img src={item.thumbnailUrl} alt={item.altText} loading="lazy" /> : <ImageIcon />}
    </span>
  );
}

export const mediaName = (item: MediaItem) => item.originalFilename || `${item.kind} ${item.id.slice(0, 8)}`;

export const mediaFacts = (item: MediaItem) =>
  [item.kind === 'video' ? 'Video' : item.mimeType.replace('image/', '').toUpperCase(), `${item.width}×${item.height}`, formatBytes(item.bytes)].join(' · ');

/** A drop target with a button to choose files; `compact` for dialogs. */
export function DropZone({ onFiles, disabled, compact, children }: { onFiles: (files: File[]) => void; disabled?: boolean; compact?: boolean; children?: ReactNode }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const id = useId();
  return (
    <div
      className={`dropzone${over ? ' dropzone--over' : ''}${compact ? ' dropzone--compact' : ''}`}
      onDragOver={(event) => {
        if (disabled || !event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (!disabled && event.dataTransfer.files.length) onFiles([...event.dataTransfer.files]);
      }}
    >
      <span className="dropzone__icon" aria-hidden="true">
        <UploadIcon />
      </span>
      <div className="dropzone__text">
        <p>
          <strong>Drop images or videos here</strong> or{' '}
          <button type="button" className="link-button" disabled={disabled} onClick={() => input.current?.click()}>
            choose files
          </button>
        </p>
        <p className="muted small" id={`${id}-hint`}>
          JPEG, PNG, GIF, WebP, MP4 or MOV.
        </p>
        {children}
      </div>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        multiple
        hidden
        aria-label="Upload files"
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </div>
  );
}

/** Files being uploaded: progress while they go, the reason when one is refused. */
export function UploadList({ uploads, onDismiss }: { uploads: Upload[]; onDismiss: (id: number) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-list" aria-label="Uploads">
      {uploads.map((u) => (
        <li key={u.id} className={`upload upload--${u.state}`}>
          <div className="upload__head">
            <span className="upload__name">{u.name}</span>
            <span className="upload__state">
              {u.state === 'uploading' ? `${Math.round(u.progress * 100)}%` : u.state === 'done' ? (u.deduplicated ? 'Already in the library' : 'Uploaded') : 'Not uploaded'}
            </span>
            {u.state !== 'uploading' && (
              <button type="button" className="icon-button icon-button--small" aria-label={`Dismiss ${u.name}`} onClick={() => onDismiss(u.id)}>
                <span aria-hidden="true">×</span>
              </button>
            )}
          </div>
          {u.state === 'uploading' && <progress className="upload__bar" max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />}
          {u.error && (
            <p className="upload__error" role="alert">
              {u.error}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Alt text edited in place; saved on Save or Enter. An empty one is pointed out. */
export function AltTextEditor({ workspaceId, item, editable }: { workspaceId: string; item: MediaItem; editable: boolean }) {
  const client = useQueryClient();
  const [value, setValue] = useState(item.altText);
  const id = useId();
  const save = useMutation({
    mutationFn: (altText: string) => patch<{ media: MediaItem }>(`/workspaces/${workspaceId}/media/${item.id}`, { altText }),
    onSuccess: () => client.invalidateQueries({ queryKey: mediaKey(workspaceId) }),
  });
  const changed = value.trim() !== item.altText;
  const missing = item.altText.trim() === '';
  if (!editable) return <p className="media-card__alt">{item.altText || <span className="muted">No alt text</span>}</p>;
  return (
    <form
      className="alt-editor"
      onSubmit={(event) => {
        event.preventDefault();
        if (changed) save.mutate(value.trim());
      }}
    >
      <label htmlFor={id} className="alt-editor__label">
        Alt text<span className="visually-hidden"> for {mediaName(item)}</span>
        {missing && !changed && <span className="badge badge--warning">Missing</span>}
      </label>
      <textarea
        id={id}
        rows={2}
        value={value}
        maxLength={2000}
        placeholder={item.kind === 'video' ? 'Describe what happens in the video' : 'Describe the image for people who cannot see it'}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }
        }}
      />
      {(changed || save.isPending || save.isError) && (
        <div className="alt-editor__actions">
          {save.isError && <span className="field__error">{save.error instanceof ApiError ? save.error.message : 'Not saved.'}</span>}
          <button type="button" className="button button--small" onClick={() => setValue(item.altText)} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--small button--primary" disabled={save.isPending || !changed}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
      )}
    </form>
  );
}
