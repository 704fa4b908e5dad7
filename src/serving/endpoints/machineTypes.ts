/**
 * Machine types Vertex AI endpoints offer per region: a small table (the common CPU shapes and the
 * GPUs most users ask for), not the full catalogue. The emulator refuses what is not listed here.
 */

export interface AcceleratorOffer {
  /** MachineSpec.accelerator_type enum name. */
  type: string;
  label: string;
  /** Machine types this accelerator attaches to. */
  machineTypes: readonly string[];
  counts: readonly number[];
}

export interface RegionOffer {
  cpu: readonly string[];
  accelerators: readonly AcceleratorOffer[];
}

const CPU = ['n1-standard-2', 'n1-standard-4', 'n1-standard-8', 'n1-highmem-4', 'e2-standard-2', 'e2-standard-4', 'n2-standard-4'] as const;
const T4: AcceleratorOffer = { type: 'NVIDIA_TESLA_T4', label: 'NVIDIA T4', machineTypes: ['n1-standard-4', 'n1-standard-8', 'n1-highmem-4'], counts: [1, 2, 4] };
const L4: AcceleratorOffer = { type: 'NVIDIA_L4', label: 'NVIDIA L4', machineTypes: ['g2-standard-4', 'g2-standard-8'], counts: [1] };
const V100: AcceleratorOffer = { type: 'NVIDIA_TESLA_V100', label: 'NVIDIA V100', machineTypes: ['n1-standard-8', 'n1-highmem-4'], counts: [1, 2] };

export const REGION_OFFERS: Readonly<Record<string, RegionOffer>> = {
  'us-central1': { cpu: CPU, accelerators: [T4, L4, V100] },
  'us-east1': { cpu: CPU, accelerators: [T4] },
  'us-west1': { cpu: CPU, accelerators: [T4, V100] },
  'europe-west1': { cpu: CPU, accelerators: [T4] },
  'europe-west4': { cpu: CPU, accelerators: [T4, L4, V100] },
  'asia-northeast1': { cpu: CPU, accelerators: [T4] },
  'asia-southeast1': { cpu: CPU, accelerators: [T4, L4] },
};

/** A small, cheap CPU shape that serves the TF models of this product well. */
export const DEFAULT_MACHINE_TYPE = 'n1-standard-2';

export function regionOffer(region: string): RegionOffer | undefined {
  return Object.prototype.hasOwnProperty.call(REGION_OFFERS, region) ? REGION_OFFERS[region] : undefined;
}

/** Every machine type of a region (CPU shapes, then the GPU hosts). */
export function machineTypesIn(region: string): string[] {
  const offer = regionOffer(region);
  if (!offer) return [];
  return [...new Set([...offer.cpu, ...offer.accelerators.flatMap(a => a.machineTypes)])];
}

/** Undefined when offered; otherwise why not, naming the field. */
export function checkMachine(region: string, machineType: string, accelerator?: { type: string; count: number }): { field: string; message: string } | undefined {
  const offer = regionOffer(region);
  if (!offer) return { field: 'region', message: `region: Vertex AI endpoints are not offered in "${region}" by this extension (known: ${Object.keys(REGION_OFFERS).join(', ')})` };
  const acc = accelerator && accelerator.type && accelerator.type !== 'ACCELERATOR_TYPE_UNSPECIFIED' ? accelerator : undefined;
  if (!acc) {
    if (offer.cpu.includes(machineType)) return undefined;
    if (offer.accelerators.some(a => a.machineTypes.includes(machineType))) {
      return { field: 'machineType', message: `machineType: ${machineType} is a GPU machine; choose an accelerator for it or a CPU machine type` };
    }
    return { field: 'machineType', message: `machineType: "${machineType}" is not offered in ${region} (offered: ${machineTypesIn(region).join(', ')})` };
  }
  const a = offer.accelerators.find(x => x.type === acc.type);
  if (!a) return { field: 'acceleratorType', message: `acceleratorType: ${acc.type} is not offered in ${region} (offered: ${offer.accelerators.map(x => x.type).join(', ') || 'none'})` };
  if (!a.machineTypes.includes(machineType)) return { field: 'machineType', message: `machineType: ${acc.type} attaches to ${a.machineTypes.join(', ')}, not to "${machineType}"` };
  if (!a.counts.includes(acc.count)) return { field: 'acceleratorCount', message: `acceleratorCount: ${acc.type} comes in counts of ${a.counts.join(', ')}, got ${acc.count}` };
  return undefined;
}
