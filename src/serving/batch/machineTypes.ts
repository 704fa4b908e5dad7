/**
 * Machine types Vertex AI batch prediction offers for custom-trained models (CPU families; GPU
 * machines need an accelerator the extension does not ask for yet). One list, so the picker, the
 * validation and the emulator agree.
 */
const sizes = (family: string, ns: number[]) => ns.map(n => `${family}-${n}`);

export const BATCH_MACHINE_TYPES: readonly string[] = [
  ...sizes('n1-standard', [2, 4, 8, 16, 32, 64, 96]),
  ...sizes('n1-highmem', [2, 4, 8, 16, 32, 64, 96]),
  ...sizes('n1-highcpu', [4, 8, 16, 32, 64, 96]),
  ...sizes('e2-standard', [2, 4, 8, 16, 32]),
  ...sizes('e2-highmem', [2, 4, 8, 16]),
  ...sizes('e2-highcpu', [2, 4, 8, 16, 32]),
  ...sizes('n2-standard', [2, 4, 8, 16, 32, 48, 64, 80]),
  ...sizes('n2-highmem', [2, 4, 8, 16, 32, 48, 64, 80]),
  ...sizes('n2-highcpu', [2, 4, 8, 16, 32, 48, 64, 80]),
];

/** Sensible CPU default for a TensorFlow recommender: 4 vCPUs, 15 GB. */
export const DEFAULT_BATCH_MACHINE_TYPE = 'n1-standard-4';

/** Vertex's limit on batch prediction replicas per job for one user-chosen machine type. */
export const MAX_BATCH_REPLICAS = 1000;

export function isBatchMachineType(t: string): boolean {
  return BATCH_MACHINE_TYPES.includes(t);
}
