/** google.protobuf.Timestamp in proto-loader object form, and conversions. */
export interface Timestamp {
  seconds: string;
  nanos: number;
}

export function toTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: Math.round(ms - seconds * 1000) * 1e6 };
}

export function timestampMs(ts: { seconds?: string | number; nanos?: number } | undefined | null): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export function nowTimestamp(): Timestamp {
  return toTimestamp(Date.now());
}

/** google.protobuf.Duration from seconds. */
export function duration(seconds: number): { seconds: string; nanos: number } {
  const s = Math.floor(seconds);
  return { seconds: String(s), nanos: Math.round((seconds - s) * 1e9) };
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));
