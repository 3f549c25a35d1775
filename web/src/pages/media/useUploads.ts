import { useCallback, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client.ts';
import { mediaKey, uploadMedia, type MediaItem } from '../../api/media.ts';

export interface Upload {
  id: number;
  name: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
  media?: MediaItem;
  deduplicated?: boolean;
}

let nextUpload = 1;

/** Uploads files one after another, with each file's progress and its own error. */
export function useUploads(workspaceId: string, onUploaded?: (media: MediaItem) => void) {
  const client = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const update = (id: number, change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.id === id ? { ...u, ...change } : u)));

  const start = useCallback(
    async (files: File[]) => {
      const queued = files.map((file) => ({ file, upload: { id: nextUpload++, name: file.name, progress: 0, state: 'uploading' as const } }));
      setUploads((all) => [...all.filter((u) => u.state !== 'done'), ...queued.map((q) => q.upload)]);
      for (const { file, upload } of queued) {
        try {
          const result = await uploadMedia(workspaceId, file, '', (fraction) => update(upload.id, { progress: fraction }));
          update(upload.id, { state: 'done', progress: 1, media: result.media, deduplicated: result.deduplicated });
          onUploaded?.(result.media);
        } catch (error) {
          update(upload.id, { state: 'failed', error: error instanceof ApiError ? error.message : 'The upload failed.' });
        }
      }
      await client.invalidateQueries({ queryKey: mediaKey(workspaceId) });
    },
    [workspaceId, onUploaded, client],
  );
  const dismiss = (id: number) => setUploads((all) => all.filter((u) => u.id !== id));
  return { uploads, start, dismiss };
}
