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
