/**
 * Cloud Run quantities, parsed in one place: memory limits ("512Mi", "4Gi", and the "M"/"G"/"MiB"/
 * "GiB" spellings Cloud Run's own messages use) and CPU limits ("1", "2", "0.5", "500m"). Pure.
 */

/**
 * The least memory the Python server is deployed with: below it a deploy is refused, and moving a
 * service to the Python server raises its memory to it. Measured: the server (gunicorn, one
 * worker, TensorFlow 2.21, the op package) serving the zoo's 20,000-candidate custom-op retrieval
 * model peaks at about 545 MiB RSS under load, so 2Gi leaves room for larger indices; a new Python
 * deploy still defaults to DEFAULT_DEPLOY's 4Gi.
 */
export const PYTHON_MIN_MEMORY = '2Gi';

const MEMORY = /^(\d+(?:\.\d+)?) ?(Mi|Gi|MiB|GiB|M|G)$/i;

/** Mebibytes of a memory quantity, or undefined when it is not one. */
export function memoryMiB(v: string | undefined): number | undefined {
  const m = MEMORY.exec((v ?? '').trim());
  return m ? mebibytes(m[1], m[2]) : undefined;
}

/** A number and its unit as log messages write them ("Memory limit of 512 MiB"); no unit means MiB. */
export function mebibytes(value: string, unit: string | undefined): number {
  const n = Number(value);
  return /^g/i.test(unit ?? '') ? n * 1024 : n;
}

/** A memory size in words: Gi from 1024 Mi up, else Mi. */
export function memoryText(mib: number): string {
  return mib >= 1024 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** The larger of two memory limits (an unparsable `a` counts as none). */
export function maxMemory(a: string | undefined, b: string): string {
  return (memoryMiB(a) ?? 0) >= (memoryMiB(b) ?? 0) ? a! : b;
}

/** The form the deploy accepts: whole Mi or Gi (what the confirmation and Cloud Run's API use). */
export function isMemoryLimit(v: string): boolean {
  return /^\d+(Mi|Gi)$/.test(v);
}

/** CPUs of a CPU limit ("2" → 2, "500m" → 0.5), or undefined when it is not one. */
export function cpuCores(v: string | undefined): number | undefined {
  const m = /^(?:(\d+(?:\.\d+)?)|(\d+)m)$/.exec((v ?? '').trim());
  if (!m) return undefined;
  return m[1] !== undefined ? Number(m[1]) : Number(m[2]) / 1000;
}
