// Whether a room message calls the user by their nickname: as a word of its own, in any case
// ("Anna, kommst du?", "@anna", "danke anna!"), not inside another ("Annabelle"). Such a message
// is shown marked in the room, counts as a call for the user and raises a desktop notification;
// other room messages count in the room's own row only.

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

/**
 * The nicknames `query` starts (in any case), alphabetically, then those with another word that it
 * starts (`ber` finds "Anna Berg" and "anna.berg", as Slack finds names), at most `limit`. Pure.
 */
export function completions(nicks: readonly string[], query: string, limit = 6): string[] {
  const start = query.toLocaleLowerCase();
  const rank = (nick: string): number => {
    const name = nick.toLocaleLowerCase();
    if (name.startsWith(start)) return 0;
    return name.split(/[\s._-]+/u).some((word) => word.startsWith(start)) ? 1 : 2;
  };
  return nicks
    .map((nick) => ({ nick, rank: rank(nick) }))
    .filter((c) => c.rank < 2)
    .sort((a, b) => a.rank - b.rank || a.nick.localeCompare(b.nick))
    .slice(0, limit)
    .map((c) => c.nick);
}
