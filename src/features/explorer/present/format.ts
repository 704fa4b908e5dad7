/** Small text helpers for tree descriptions and tooltips (no vscode import). */
import { readableLabelValue } from '../../../serving/labels';

export { duration } from '../../../serving/duration';

export function age(d: Date | undefined, now = Date.now()): string {
  if (!d) return '';
  const s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}


/** Escapes markdown so resource names and labels render literally in tooltips. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, c => `\\${c}`);
}

export function labelTable(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (!keys.length) return '_no labels_';
  return ['| label | value |', '| --- | --- |', ...keys.map(k => `| ${md(k)} | ${md(readableLabelValue(k, labels[k]))} |`)].join('\n');
}
