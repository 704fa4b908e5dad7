/**
 * The plan and the redeploy's changes as text: the modal's detail, a chat tool's confirmation and
 * what the CLI prints before it asks. Pure.
 */
import type { FieldChange } from './mergeService';
import { planSummary, type DeployPlan } from './plan';
import type { Review } from './planFor';

function value(v: string | undefined, missing: string): string {
  return v === undefined ? missing : v;
}

/**
 * The modal's change list, short enough for a dialog (its buttons must stay on screen): the image
 * in full on its own lines, each short field old → new, and the other fields named on one line
 * (the pick before it lists every field old → new).
 */
export function changeLines(changes: FieldChange[]): string[] {
  const out: string[] = [];
  const also: string[] = [];
  const name = (field: string) => (/^(?:service )?label /.test(field) ? 'labels' : field.replace(/^(\w+)\.\S+ (\(.+\))$/, '$1 $2'));
  for (const c of changes) {
    const before = value(c.before, '(none)');
    const after = value(c.after, '(removed)');
    const line = `• ${c.field}: ${before} → ${after}`;
    if (c.field.startsWith('image')) out.push(`• ${c.field}:`, `      ${before}`, `   → ${after}`);
    else if (line.length <= 70 && !/^(?:service )?label /.test(c.field)) out.push(line);
    else if (!also.includes(name(c.field))) also.push(name(c.field));
  }
  if (also.length) out.push(`• also ${also.join(', ')} (old → new in the list before)`);
  return out;
}

/** The final modal's text: the plan, every changed field old → new, what is kept (also a chat tool's confirmation). */
export function planDetail(plan: DeployPlan, review: Review | undefined): string {
  return [
    planSummary(plan),
    ...(review ? ['', review.changes.length ? 'Changes (old → new):' : 'Changes: none to the service\'s settings (a new revision of the same template).', ...changeLines(review.changes)] : []),
    ...(review?.kept.length ? ['', `Kept as they are: ${review.kept.join('; ')}.`] : []),
  ].join('\n');
}

