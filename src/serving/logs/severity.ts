/** Cloud Logging severities (google.logging.type.LogSeverity) and their ranks. */

export const SEVERITIES = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'] as const;
export type Severity = (typeof SEVERITIES)[number];

const RANK: Record<Severity, number> = { DEFAULT: 0, DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500, CRITICAL: 600, ALERT: 700, EMERGENCY: 800 };

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

export function severityRank(s: Severity): number {
  return RANK[s];
}

/**
 * The client hands severity over as the enum name ("ERROR") or, from some decoders, its number
 * (500); gcloud omits it for DEFAULT. Anything unknown is DEFAULT rather than an error: one odd
 * entry must not break a stream.
 */
export function parseSeverity(v: unknown): Severity {
  if (typeof v === 'string') {
    const up = v.toUpperCase();
    if (isSeverity(up)) return up;
    if (/^\d+$/.test(v)) return parseSeverity(Number(v));
    return 'DEFAULT';
  }
  if (typeof v === 'number') {
    const found = SEVERITIES.find(s => RANK[s] === v);
    return found ?? 'DEFAULT';
  }
  return 'DEFAULT';
}

/**
 * stdout/stderr lines arrive as DEFAULT unless the app logs structured JSON. The two servers this
 * product deploys print their level in a known prefix (TF Serving's glog `... E file.cc:12]`,
 * gunicorn's `[2025-08-19 20:57:37 +0000] [1] [ERROR]`), so the level shown can be the real one.
 */
export function inferSeverity(text: string): Severity | undefined {
  const gunicorn = /^\[[^\]]+\] \[\d+\] \[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]/.exec(text);
  if (gunicorn) return gunicorn[1] as Severity;
  const glog = /^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: )?([IWEF])(?:\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+)? [^\s\]]+:\d+\]/.exec(text);
  if (glog) return ({ I: 'INFO', W: 'WARNING', E: 'ERROR', F: 'CRITICAL' } as const)[glog[1] as 'I' | 'W' | 'E' | 'F'];
  const py = /^(?:Traceback \(most recent call last\)|[\w.]+(?:Error|Exception): )/.exec(text);
  if (py) return 'ERROR';
  return undefined;
}
