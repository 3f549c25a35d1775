import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { patch, post } from '../../api/client.ts';
import { calendarKey, postKey, type PostWithVariants } from '../../api/publishing.ts';
import { repeatForApi, type RepeatRule } from './RepeatControl.tsx';

export interface DraftContent {
  profileIds: string[];
  text: string;
  /** Tailored text per profile; profiles not listed use the shared text. */
  overrides: Record<string, string>;
  campaignId: string;
  tags: string[];
  /** Media shared by every profile, in order. */
  mediaIds?: string[];
  /** A tailored profile's own media, in order; profiles not listed take the shared media. */
  variantMedia?: Record<string, string[]>;
  repeat?: RepeatRule | null;
}

export type SaveState = 'idle' | 'waiting' | 'saving' | 'saved' | 'error' | 'needs-profile';

const DELAY_MS = 800;

export const draftBody = (c: DraftContent) => ({
  text: c.text,
  campaignId: c.campaignId || null,
  tags: c.tags,
  variants: c.profileIds.map((profileId) => ({
    profileId,
    text: profileId in c.overrides ? c.overrides[profileId]! : null,
    ...(c.variantMedia && profileId in c.variantMedia ? { mediaIds: c.variantMedia[profileId] } : {}),
  })),
  ...(c.mediaIds ? { mediaIds: c.mediaIds } : {}),
  ...(c.repeat !== undefined ? { repeat: repeatForApi(c.repeat) } : {}),
});

/**
 * Saves the composer's content as a draft: created on the first change, patched after, a moment
 * after typing stops. Saves run one after another, so a slow answer never overtakes a newer edit.
 */
export function useDraft(workspaceId: string, initialPostId: string | null, content: DraftContent, enabled: boolean, onSaved: (saved: PostWithVariants) => void) {
  const client = useQueryClient();
  const [postId, setPostId] = useState(initialPostId);
  const [state, setState] = useState<SaveState>('idle');
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(content);
  latest.current = content;
  const postIdRef = useRef(initialPostId);
  const edits = useRef(0);
  const savedEdit = useRef(0);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  const saveOnce = useCallback(async (): Promise<string | null> => {
    const edit = edits.current;
    if (postIdRef.current && edit === savedEdit.current) return postIdRef.current;
    const c = latest.current;
    if (c.profileIds.length === 0) {
      setState('needs-profile');
      return postIdRef.current;
    }
    setState('saving');
    try {
      const body = draftBody(c);
      const saved = postIdRef.current
        ? await patch<PostWithVariants>(`/workspaces/${workspaceId}/posts/${postIdRef.current}`, body)
        : await post<PostWithVariants>(`/workspaces/${workspaceId}/posts`, body);
      postIdRef.current = saved.post.id;
      setPostId(saved.post.id);
      savedEdit.current = edit;
      setError(null);
      setState(edits.current === edit ? 'saved' : 'waiting');
      client.setQueryData(postKey(workspaceId, saved.post.id), saved);
      void client.invalidateQueries({ queryKey: calendarKey(workspaceId) });
      void client.invalidateQueries({ queryKey: ['drafts', workspaceId] });
      onSavedRef.current(saved);
      return saved.post.id;
    } catch (failure) {
      setError(failure);
      setState('error');
      throw failure;
    }
  }, [client, workspaceId]);

  /** Saves now (after any save under way) and gives the post's id. */
  const flush = useCallback((): Promise<string | null> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const next = chain.current.catch(() => undefined).then(saveOnce);
    chain.current = next;
    return next;
  }, [saveOnce]);

  /** Call after every change the user makes. */
  const touch = useCallback(() => {
    if (!enabled) return;
    edits.current += 1;
    setState('waiting');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush().catch(() => undefined), DELAY_MS);
  }, [enabled, flush]);

  // Leaving the page saves what is still waiting.
  const flushRef = useRef(flush);
  flushRef.current = flush;
  useEffect(
    () => () => {
      if (timer.current) void flushRef.current().catch(() => undefined);
    },
    [],
  );

  /** Drops changes still waiting (the post is being deleted). */
  const discard = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    savedEdit.current = edits.current;
  }, []);

  return { postId, state, error, touch, flush, discard, hasUnsaved: () => edits.current !== savedEdit.current };
}
