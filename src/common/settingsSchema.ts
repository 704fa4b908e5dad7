/**
 * The extension's settings, validated in one place (no vscode import, so it is unit-tested).
 * A value of the wrong type is reported with the setting's name and replaced by its default.
 */
import { isKnownRegion, projectIdProblem } from '../serving/regions';

export interface Settings {
  /** Empty when unset: then gcloud's active project is used. */
  project: string;
  regions: string[];
  /** Admin URL of the local emulator, or empty for Google Cloud. */
  emulator: string;
  runsPageSize: number;
  showAllServices: boolean;
  nativeImage: string;
  pythonImage: string;
  /** Runtime service account of deployed services; empty: the service's own, else Cloud Run's default. */
  deployServiceAccount: string;
  latencyTargetMs: number;
}

export const DEFAULTS: Settings = {
  project: '',
  regions: ['us-central1'],
  emulator: '',
  runsPageSize: 50,
  showAllServices: false,
  nativeImage: '',
  pythonImage: '',
  deployServiceAccount: '',
  latencyTargetMs: 20,
};

/** Setting keys under the `mlServing.` prefix. */
export const KEYS: Record<keyof Settings, string> = {
  project: 'project',
  regions: 'regions',
  emulator: 'emulator',
  runsPageSize: 'runs.pageSize',
  showAllServices: 'services.showAll',
  nativeImage: 'images.native',
  pythonImage: 'images.python',
  deployServiceAccount: 'deploy.serviceAccount',
  latencyTargetMs: 'predict.latencyTargetMs',
};

/**
 * Settings a cloned repository must not steer: what image runs with the user's credentials, which
 * identity it runs as, where the clients connect. Only user (machine) settings may set them; a
 * workspace's value is ignored and reported.
 */
export const USER_ONLY: ReadonlyArray<keyof Settings> = ['emulator', 'nativeImage', 'pythonImage', 'deployServiceAccount'];

/** A service account e-mail (user-managed or a Google-managed default). */
export const SERVICE_ACCOUNT = /^[a-z0-9][a-z0-9-]{0,62}@[a-z0-9-]+(\.[a-z0-9-]+)*\.gserviceaccount\.com$/;

export interface ParsedSettings {
  settings: Settings;
  problems: string[];
}

export function parseSettings(get: (key: string) => unknown, env: Record<string, string | undefined> = {}): ParsedSettings {
  const problems: string[] = [];
  const s: Settings = { ...DEFAULTS, regions: [...DEFAULTS.regions] };
  const name = (k: keyof Settings) => `mlServing.${KEYS[k]}`;

  const str = (k: 'project' | 'emulator' | 'nativeImage' | 'pythonImage' | 'deployServiceAccount') => {
    const v = get(KEYS[k]);
    if (v === undefined || v === null) return;
    if (typeof v !== 'string') problems.push(`${name(k)}: expected a string, got ${typeof v}`);
    else s[k] = v.trim();
  };
  str('project');
  str('emulator');
  str('nativeImage');
  str('pythonImage');
  str('deployServiceAccount');
  if (s.deployServiceAccount && !SERVICE_ACCOUNT.test(s.deployServiceAccount)) {
    problems.push(`${name('deployServiceAccount')}: "${s.deployServiceAccount}" is not a service account e-mail (NAME@PROJECT.iam.gserviceaccount.com)`);
    s.deployServiceAccount = '';
  }
  for (const k of ['nativeImage', 'pythonImage'] as const) {
    if (s[k] && !/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(s[k])) { problems.push(`${name(k)}: "${s[k]}" is not an image reference (HOST/PATH:TAG)`); s[k] = ''; }
  }

  if (s.project) {
    const p = projectIdProblem(s.project);
    if (p) { problems.push(`${name('project')}: "${s.project}" is not a project id (${p})`); s.project = ''; }
  }

  const regions = get(KEYS.regions);
  if (regions !== undefined && regions !== null) {
    if (!Array.isArray(regions) || regions.some(r => typeof r !== 'string')) {
      problems.push(`${name('regions')}: expected a list of region names such as ["us-central1"]`);
    } else {
      const bad = regions.filter(r => !isKnownRegion(r));
      if (bad.length) problems.push(`${name('regions')}: unknown region(s) ${bad.map(b => `"${b}"`).join(', ')}`);
      const good = [...new Set(regions.filter(r => isKnownRegion(r)))];
      if (good.length) s.regions = good;
    }
  }

  const int = (k: 'runsPageSize' | 'latencyTargetMs', min: number, max: number) => {
    const v = get(KEYS[k]);
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push(`${name(k)}: expected a whole number from ${min} to ${max}`);
    else s[k] = v;
  };
  int('runsPageSize', 1, 1000);
  int('latencyTargetMs', 1, 600000);

  const all = get(KEYS.showAllServices);
  if (all !== undefined && all !== null) {
    if (typeof all !== 'boolean') problems.push(`${name('showAllServices')}: expected true or false`);
    else s.showAllServices = all;
  }

  // The environment variable wins over an empty setting: the demo and test launchers use it.
  if (!s.emulator && env.MLSERVING_EMULATOR) s.emulator = env.MLSERVING_EMULATOR.trim();
  if (s.emulator && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\/?$/.test(s.emulator)) {
    problems.push(`${name('emulator')}: expected a loopback URL such as http://127.0.0.1:8680, got "${s.emulator}"`);
    s.emulator = '';
  }
  s.emulator = s.emulator.replace(/\/$/, '');
  return { settings: s, problems };
}

/** JSON with comments and trailing commas (settings.json), without a parser dependency. */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else {
      out += ch;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}
