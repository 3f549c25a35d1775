import { useMutation } from '@tanstack/react-query';
import { ApiError, post } from '../../api/client.ts';
import type { PostWithVariants } from '../../api/publishing.ts';
import { useToast } from '../../components/Toasts.tsx';
import { formatZoned } from '../../lib/zoned.ts';
import { useShell } from '../../shell/useWorkspace.ts';

/**
 * "Add to queue": each profile's part takes that profile's next free posting slot. `beforeQueue`
 * saves pending edits first. A full queue (409) says so and points to the settings.
 */
export function AddToQueueButton({
  postId,
  disabled,
  beforeQueue,
  onQueued,
}: {
  postId: string | null;
  disabled?: boolean;
  /** Saves pending edits and gives the post's id (a new post gets one here). */
  beforeQueue?: () => Promise<string | null>;
  onQueued: (saved: PostWithVariants) => void;
}) {
  const { workspace } = useShell();
  const toast = useToast();
  const queue = useMutation({
    mutationFn: async () => {
      const id = (await beforeQueue?.()) ?? postId;
      if (!id) throw new ApiError(422, 'no_profiles', 'Pick at least one profile first.', []);
      return post<PostWithVariants>(`/workspaces/${workspace.id}/posts/${id}/queue`, {});
    },
    onSuccess: (saved) => {
      const first = saved.variants.map((v) => v.scheduledAt).filter(Boolean).sort()[0];
      toast(first ? `Added to the queue: ${formatZoned(first, workspace.timezone, 'cccc d LLLL, HH:mm')}.` : 'Added to the queue.');
      onQueued(saved);
    },
    onError: (error) =>
      toast(
        error instanceof ApiError && error.code === 'queue_full'
          ? `${error.message} Posting slots are in Settings → Posting slots.`
          : error instanceof ApiError
            ? error.message
            : 'The post could not be queued.',
        'error',
      ),
  });
  return (
    <button type="button" className="button" disabled={disabled || (!postId && !beforeQueue) || queue.isPending} onClick={() => queue.mutate()}>
      {queue.isPending ? 'Queueing…' : 'Add to queue'}
    </button>
  );
}
