/**
 * Slack incoming webhooks: one POST of a JSON message. The webhook URL is a secret (anyone holding
 * it can post), so it never appears in an error or a log line.
 */
export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be. */
  text: string;
  blocks?: unknown[];
}

const TIMEOUT_MS = 10_000;

export async function postToSlack(webhookUrl: string, message: SlackMessage, fetchImpl: typeof fetch = fetch): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch {
    throw new Error('Slack could not be reached.');
  }
  const body = await response.text().catch(() => '');
  if (!response.ok) throw new Error(`Slack refused the message (HTTP ${response.status}${body ? `: ${body.slice(0, 100)}` : ''}).`);
}

/** A section of text followed by link buttons, the shape Slack's Block Kit expects. */
export function textWithButtons(text: string, buttons: { text: string; url: string; style?: 'primary' | 'danger' }[]): unknown[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } },
    {
      type: 'actions',
      elements: buttons.map((b) => ({ type: 'button', text: { type: 'plain_text', text: b.text }, url: b.url, ...(b.style ? { style: b.style } : {}) })),
    },
  ];
}
