/**
 * A conversation's thread key is the network's thread id, or, for a second person answering in
 * the same public thread, that id with the person's id appended. Replies go to the network with
 * the network's id only.
 */
const PERSON = '#by:';

export const threadKey = (networkThreadId: string, authorId: string): string => `${networkThreadId}${PERSON}${authorId}`;

export const networkThreadId = (key: string): string => {
  const at = key.indexOf(PERSON);
  return at < 0 ? key : key.slice(0, at);
};
