// A TypeDoc plugin for `npm run docs`: the API reference lists what this package adds, not the
// members every Lit element inherits from or overrides on `LitElement`/`HTMLElement` (those are
// Lit's and the DOM's to document, and their comments link to symbols outside this package).
import { Converter, ReflectionKind } from 'typedoc';

/** True when `type` names a declaration outside the documented project (Lit, the DOM). */
const isExternal = (type) => type !== undefined && !type.reflection;

/** True when the member's doc comment was written in this package, not copied from Lit's. */
function hasOwnComment(member) {
  const comments = [
    member.comment,
    ...(member.signatures ?? []).map((s) => s.comment),
    member.getSignature?.comment,
  ];
  return comments.some((c) => c && c.sourcePath !== undefined && !c.sourcePath.includes('node_modules'));
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const member of project.getReflectionsByKind(ReflectionKind.ClassMember)) {
      const external = isExternal(member.inheritedFrom) || isExternal(member.overwrites);
      if (external && !hasOwnComment(member)) project.removeReflection(member);
    }
  });
}
