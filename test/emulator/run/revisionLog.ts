/** Writes a revision's logs as Cloud Run does: resource cloud_run_revision, run.googleapis.com/* logs. */
import { randomBytes } from 'node:crypto';
import type { LogStore } from '../logging/store';

export type RunLogName = 'stdout' | 'stderr' | 'requests' | 'varlog/system';

export interface RevisionIdentity {
  project: string;
  location: string;
  serviceId: string;
  revisionId: string;
}

export type RevisionLogger = (logName: RunLogName, severity: string, payload: { textPayload?: string; jsonPayload?: Record<string, unknown>; httpRequest?: Record<string, unknown>; timestamp?: string }) => void;

export function revisionLogger(logs: LogStore, r: RevisionIdentity): RevisionLogger {
  const instanceId = randomBytes(48).toString('hex');
  return (logName, severity, payload) => {
    logs.append({
      logName: `projects/${r.project}/logs/${encodeURIComponent(`run.googleapis.com/${logName}`)}`,
      resource: {
        type: 'cloud_run_revision',
        labels: { service_name: r.serviceId, revision_name: r.revisionId, configuration_name: r.serviceId, location: r.location, project_id: r.project },
      },
      severity,
      labels: logName === 'requests' ? undefined : { instanceId },
      ...payload,
    });
  };
}

/** glog prefix of TF Serving lines: `2025-01-01 12:00:00.123456: I file.cc:12] `. */
export function glog(level: 'I' | 'W' | 'E', where: string, text: string): string {
  const d = new Date();
  const ts = d.toISOString().replace('T', ' ').replace('Z', '').replace(/\.(\d{3})$/, (_m, ms: string) => `.${ms}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`);
  return `${ts}: ${level} ${where}] ${text}`;
}

/** gunicorn's line prefix: `[2025-08-19 20:57:37 +0000] [1] [INFO] `. */
export function gunicorn(level: string, text: string, pid = 1): string {
  const ts = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000');
  return `[${ts}] [${pid}] [${level}] ${text}`;
}
