import { useEffect, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { ApiError } from '../../api/client.ts';
import { renderSavedReply, sendReply, useInboxRefresh, useSavedReplies, type ComplianceViolation, type ConversationDetail, type Message } from '../../api/inbox.ts';
import { useNetworks } from '../../api/publishing.ts';
import { FormError } from '../../components/FormError.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { useTextCounter } from '../publishing/useTextCounter.ts';

export const REPLY_BOX_ID = 'inbox-reply';

interface Props {
  workspaceId: string;
  detail: ConversationDetail;
  /** The message being answered; null: the latest one from the customer. */
  replyTo: Message | null;
  onClearReplyTo: () => void;
  /** True while the box has text and focus: others then see "is replying". */
  onReplyingChange: (replying: boolean) => void;
}

/** Writes and sends the answer on the network, with saved replies and the network's length limit. */
export function ReplyBox({ workspaceId, detail, replyTo, onClearReplyTo, onReplyingChange }: Props) {
  const { conversation, messages } = detail;
  const [text, setText] = useState('');
  const [focused, setFocused] = useState(false);
  const [pickError, setPickError] = useState<unknown>(null);
  const refresh = useInboxRefresh(workspaceId);
  const toast = useToast();
  const saved = useSavedReplies(workspaceId);
  const networks = useNetworks();
  const count = useTextCounter();
  const limits = networks.data?.find((n) => n.network === conversation.network)?.limits.text;
  const length = count && limits ? count(text, limits.counting) : null;
  const dm = conversation.kind === 'dm';
  const latestInbound = [...messages].reverse().find((m) => m.direction === 'inbound') ?? null;
  const target = replyTo ?? latestInbound;
  const lastSeen = messages[messages.length - 1]?.id;

  useEffect(() => onReplyingChange(focused && text.trim().length > 0), [focused, text, onReplyingChange]);

  const send = useMutation({
    mutationFn: (force: boolean) =>
      sendReply(workspaceId, conversation.id, { text: text.trim(), ...(replyTo ? { messageId: replyTo.id } : {}), ...(lastSeen ? { lastSeenMessageId: lastSeen } : {}), ...(force ? { force } : {}) }),
    onSuccess: () => {
      setText('');
      onClearReplyTo();
      toast(dm ? 'Message sent.' : 'Reply sent.');
      void refresh();
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return;
      // Someone else answered meanwhile: show their answer before offering to send anyway.
      if (error.code === 'collision') void refresh();
      // It may be out already and stays in the thread as unconfirmed: no second copy to send.
      if (error.code === 'reply_unconfirmed') {
        setText('');
        void refresh();
      }
    },
  });
  const submit = (force = false) => {
    if (text.trim() && !send.isPending) send.mutate(force);
  };
  const failure = send.error instanceof ApiError ? send.error : null;
  const collision = failure?.code === 'collision' ? failure : null;
  const blocked = failure?.code === 'compliance_blocked' ? ((failure.details.violations as ComplianceViolation[] | undefined) ?? []) : null;
  const tooLong = length !== null && limits ? length > limits.maxLength : false;

  const pick = async (replyId: string) => {
    setPickError(null);
    try {
      const rendered = await renderSavedReply(workspaceId, conversation.id, replyId);
      setText((current) => (current.trim() ? `${current.trimEnd()}\n${rendered}` : rendered));
      document.getElementById(REPLY_BOX_ID)?.focus();
    } catch (error) {
      setPickError(error);
    }
  };

  return (
    <form
      className="inbox-reply"
      aria-label={dm ? 'Direct message' : 'Reply'}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="inbox-reply__head">
        <label htmlFor={REPLY_BOX_ID} className="inbox-reply__label">
          {dm ? `Message @${conversation.authorHandle}` : `Reply to @${target?.authorHandle ?? conversation.authorHandle}`}
        </label>
        {replyTo && (
          <span className="small muted">
            answering “{replyTo.text.slice(0, 60)}
            {replyTo.text.length > 60 ? '…' : ''}”{' '}
            <button type="button" className="link-button" onClick={onClearReplyTo}>
              latest instead
            </button>
          </span>
        )}
        {saved.data && saved.data.savedReplies.length > 0 && (
          <select
            className="inbox-reply__saved"
            aria-label="Insert a saved reply"
            value=""
            onChange={(event) => {
              if (event.target.value) void pick(event.target.value);
            }}
          >
            <option value="">Saved replies…</option>
            {saved.data.savedReplies.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        )}
      </div>
      <textarea
        id={REPLY_BOX_ID}
        rows={4}
        value={text}
        placeholder={dm ? 'Write a direct message…' : 'Write a public reply…'}
        onChange={(event) => setText(event.target.value)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
            event.preventDefault();
            submit();
          }
        }}
      />
      {collision && (
        <div className="alert alert--error" role="alert">
          <p>{collision.message || 'Someone else replied to this conversation meanwhile.'} Read their answer above before sending yours.</p>
          <button type="button" className="button button--small" onClick={() => submit(true)}>
            Send anyway
          </button>
        </div>
      )}
      {blocked && (
        <div className="alert alert--error" role="alert">
          <p>{failure?.message ?? 'This reply breaks a compliance rule.'}</p>
          {blocked.length > 0 && (
            <ul>
              {blocked.map((v, i) => (
                <li key={i}>
                  <strong>{v.ruleName}:</strong> {v.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {!collision && !blocked && <FormError error={send.error} fields={[]} />}
      <FormError error={pickError} />
      <div className="inbox-reply__actions">
        {length !== null && limits && !dm && (
          <span className={`small ${tooLong ? 'text-danger' : 'muted'}`} aria-label={`${length} of ${limits.maxLength} characters`}>
            {length}/{limits.maxLength}
          </span>
        )}
        <span className="small muted">Ctrl+Enter to send</span>
        <button type="submit" className="button button--primary" disabled={!text.trim() || send.isPending || tooLong}>
          {send.isPending ? 'Sending…' : dm ? 'Send message' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
