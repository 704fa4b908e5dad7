/**
 * Traffic splits of a Vertex AI endpoint: `{deployedModelId: percent}`, integer percentages that sum
 * to 100 (0 for a deployed model that takes no traffic). Pure logic; the commands and the emulator
 * both use it.
 */

export type TrafficSplit = Record<string, number>;

/**
 * Integer shares of `total` in proportion to `weights` (largest remainder, ties to the earlier key),
 * so that rounding never makes the sum drift from the total.
 */
export function apportion(weights: TrafficSplit, total: number): TrafficSplit {
  const keys = Object.keys(weights);
  const sum = keys.reduce((s, k) => s + Math.max(0, weights[k]), 0);
  const out: TrafficSplit = {};
  if (!keys.length) return out;
  if (sum <= 0) {
    // Nobody had traffic: the first one takes it all, rather than inventing an even split.
    keys.forEach((k, i) => { out[k] = i === 0 ? total : 0; });
    return out;
  }
  const exact = keys.map(k => (Math.max(0, weights[k]) * total) / sum);
  const floors = exact.map(Math.floor);
  let left = total - floors.reduce((s, x) => s + x, 0);
  const order = keys.map((_, i) => i).sort((a, b) => (exact[b] - floors[b]) - (exact[a] - floors[a]) || a - b);
  for (const i of order) { if (left <= 0) break; floors[i]++; left--; }
  keys.forEach((k, i) => { out[k] = floors[i]; });
  return out;
}

/**
 * The split after deploying a new model with `share` percent: the models already there keep their
 * proportions of the rest. On an endpoint with no traffic yet the new model takes 100.
 */
export function splitAfterCanary(current: TrafficSplit, newId: string, share: number): TrafficSplit {
  if (!Number.isInteger(share) || share < 0 || share > 100) throw new Error(`trafficShare: expected an integer from 0 to 100, got ${share}`);
  const others = { ...current };
  delete others[newId];
  const hasTraffic = Object.values(others).some(v => v > 0);
  if (!hasTraffic) return { ...Object.fromEntries(Object.keys(others).map(k => [k, 0])), [newId]: 100 };
  return { ...apportion(others, 100 - share), [newId]: share };
}

/** The split after undeploying `id`: its share goes to the others in proportion. */
export function splitAfterUndeploy(current: TrafficSplit, id: string): TrafficSplit {
  const others = { ...current };
  delete others[id];
  return apportion(others, Object.keys(others).length ? 100 : 0);
}

/** Problems with a split, each naming the field; empty when it is valid for these deployed models. */
export function checkTrafficSplit(split: TrafficSplit, deployedIds: readonly string[], field = 'trafficSplit'): string[] {
  const errors: string[] = [];
  const keys = Object.keys(split);
  for (const k of keys) {
    const v = split[k];
    if (!Number.isInteger(v) || v < 0 || v > 100) errors.push(`${field}.${k}: expected an integer percentage from 0 to 100, got ${JSON.stringify(v)}`);
    if (!deployedIds.includes(k)) errors.push(`${field}.${k}: no deployed model with id "${k}" on this endpoint`);
  }
  if (!keys.length && !deployedIds.length) return errors;
  const sum = keys.reduce((s, k) => s + (Number(split[k]) || 0), 0);
  if (sum !== 100) errors.push(`${field}: percentages must sum to 100, got ${sum}`);
  return errors;
}

/** `a 100% → 90%, b 0% → 10%`: every deployed model whose share changes, in a stable order. */
export function describeTrafficChange(before: TrafficSplit, after: TrafficSplit, nameOf: (id: string) => string = id => id): string[] {
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const lines: string[] = [];
  for (const id of ids) {
    const b = before[id];
    const a = after[id];
    if (b === a) continue;
    const from = b === undefined ? 'new' : `${b}%`;
    const to = a === undefined ? 'undeployed' : `${a}%`;
    lines.push(`${nameOf(id)}: ${from} → ${to}`);
  }
  return lines;
}
