// Whether a room message calls the user by their nickname: as a word of its own, in any case
// ("Anna, kommst du?", "@anna", "danke anna!"), not inside another ("Annabelle"). Such a message
// is shown marked in the room and raises a desktop notification; other room messages only count.

/** Letters, digits and `_`: what a nickname may not touch to count as mentioned. */
const WORD = /[\p{L}\p{N}_]/u;

/** Whether `body` mentions `nick` (see above). Pure. */
export function mentions(body: string, nick: string): boolean {
  if (!nick) return false;
  const text = body.toLocaleLowerCase();
  const name = nick.toLocaleLowerCase();
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1];
    const after = text[at + name.length];
    if ((before === undefined || !WORD.test(before)) && (after === undefined || !WORD.test(after)))
      return true;
  }
  return false;
}

/**
 * The `@name` being typed just before the caret, at the start of the text or after a space:
 * where its `@` is and what follows it so far. Undefined when the caret is not in one. Pure.
 */
export function mentionAt(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(?:^|\s)@([^\s@]*)$/u.exec(text.slice(0, caret));
  if (!match) return undefined;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query };
}

/** The nicknames that start with `query` (in any case), alphabetically, at most `limit`. Pure. */
export function completions(nicks: readonly string[], query: string, limit = 6): string[] {
  const start = query.toLocaleLowerCase();
  return nicks
    .filter((nick) => nick.toLocaleLowerCase().startsWith(start))
    .sort((a, b) => a.localeCompare(b))
    .slice(0, limit);
}
