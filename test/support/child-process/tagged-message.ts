/**
 * A type guard for one side's IPC messages, by their `type` tag: both ends are our own code, so
 * checking the tag is enough. The tags are given as a record with every tag of `T` as a key, so
 * the compiler refuses a list that forgets a message type.
 */
export function taggedMessageGuard<T extends { readonly type: string }>(tags: Record<T['type'], true>): (message: unknown) => message is T {
  const known: ReadonlySet<string> = new Set(Object.keys(tags));
  return (message: unknown): message is T => {
    if (typeof message !== 'object' || message === null || !('type' in message)) return false;
    return typeof message.type === 'string' && known.has(message.type);
  };
}
