import { useInfiniteQuery, useQueries } from '@tanstack/react-query';
import { ApiError, currentCsrfToken, get, query } from './client.ts';

export type MediaKind = 'image' | 'video';

export interface MediaItem {
  id: string;
  kind: MediaKind;
  mimeType: string;
  bytes: number;
  width: number;
  height: number;
  durationSeconds: number | null;
  altText: string;
  originalFilename: string;
  sha256: string;
  uploadedBy: string | null;
  createdAt: string;
  fileUrl: string;
  thumbnailUrl: string | null;
}

export interface MediaFilters {
  kind?: MediaKind | '';
  search?: string;
}

export const mediaKey = (workspaceId: string) => ['media', workspaceId] as const;
const PAGE = 48;

/** The library, newest first, a page at a time. */
export const useMediaLibrary = (workspaceId: string, filters: MediaFilters) =>
  useInfiniteQuery({
    queryKey: [...mediaKey(workspaceId), filters],
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      get<{ media: MediaItem[]; total: number }>(`/workspaces/${workspaceId}/media${query({ kind: filters.kind, search: filters.search, limit: PAGE, offset: pageParam })}`),
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.media.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
  });

/** Media items by id, in the order given (undefined while one loads). */
export const useMediaItems = (workspaceId: string, ids: readonly string[]) =>
  useQueries({
    queries: ids.map((id) => ({
      queryKey: ['media-item', workspaceId, id],
      queryFn: async () => (await get<{ media: MediaItem }>(`/workspaces/${workspaceId}/media/${id}`)).media,
      staleTime: 60_000,
    })),
  }).map((q) => q.data);

export const ACCEPT = 'image/jpeg,image/png,image/gif,image/webp,video/mp4,video/quicktime';

/**
 * Uploads one file with XMLHttpRequest, which (unlike fetch) reports upload progress. Errors are
 * the API's, as ApiError; a proxy's bare 413 or 415 gets a plain message.
 */
export function uploadMedia(workspaceId: string, file: File, altText: string, onProgress: (fraction: number) => void): Promise<{ media: MediaItem; deduplicated: boolean }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/workspaces/${workspaceId}/media`);
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = currentCsrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The upload was interrupted. Check your connection and try again.', []));
    xhr.onload = () => {
      let data: { error?: { code?: string; message?: string; requestId?: string } } | null = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // Not JSON: a proxy answered.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as unknown as { media: MediaItem; deduplicated: boolean });
        return;
      }
      const fallback =
        xhr.status === 413
          ? 'This file is too large to upload.'
          : xhr.status === 415
            ? 'Only JPEG, PNG, GIF and WebP images and MP4 or QuickTime (MOV) videos can be uploaded.'
            : `The server answered ${xhr.status}.`;
      reject(new ApiError(xhr.status, data?.error?.code ?? 'http_error', data?.error?.message ?? fallback, [], data?.error?.requestId));
    };
    const form = new FormData();
    if (altText) form.append('altText', altText);
    form.append('file', file);
    xhr.send(form);
  });
}

export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`;

export const formatDuration = (seconds: number | null): string => {
  if (seconds === null) return '';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
