/**
 * Command line: `node out/test/emulator/main.js [--demo] [--runs N] [--models N] [--cold-start-ms N]
 * [--data DIR] [--port-base P] [--deploy-ms N] [--python PATH] [--zoo DIR]`. The first stdout line
 * is the endpoints JSON (with `serving`: "tensorflow" or "stand-in"); everything else goes to
 * stderr. SIGINT/SIGTERM stop it cleanly. `--python` (or MLSERVING_PYTHON): a Python with TensorFlow
 * that runs the real serving container; `--zoo` (or MLSERVING_ZOO): the model zoo the demo serves;
 * `--ops-build-dir` (or MLSERVING_DEMO_OPS_BUILD_DIR): where the demo op library is built once.
 */
import { startEmulator, EmulatorOptions } from './emulator';

function parseArgs(argv: string[]): EmulatorOptions {
  const opts: EmulatorOptions = {};
  const int = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new Error(`${flag}: expected an integer from ${min} to ${max}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--demo': opts.demo = true; break;
      case '--runs': opts.runs = int(flag, value(), 0, 500); break;
      case '--models': opts.models = int(flag, value(), 0, 200); break;
      case '--cold-start-ms': opts.coldStartMs = int(flag, value(), 0, 600_000); break;
      case '--deploy-ms': opts.deployMs = int(flag, value(), 0, 600_000); break;
      case '--port-base': opts.portBase = int(flag, value(), 1024, 65530); break;
      case '--data': { const v = value(); if (!v) throw new Error('--data: expected a folder'); opts.dataDir = v; break; }
      case '--python': { const v = value(); if (!v) throw new Error('--python: expected the path of a Python with TensorFlow'); opts.python = v; break; }
      case '--ops-build-dir': { const v = value(); if (!v) throw new Error('--ops-build-dir: expected a folder'); opts.opsBuildDir = v; break; }
      case '--zoo': { const v = value(); if (!v) throw new Error('--zoo: expected the model zoo folder'); opts.zooDir = v; break; }
      case '--help': case '-h':
        process.stderr.write('usage: main.js [--demo] [--runs N] [--models N] [--cold-start-ms N] [--deploy-ms N] [--data DIR] [--port-base P] [--python PATH] [--zoo DIR] [--ops-build-dir DIR]\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${flag} (see --help)`);
    }
  }
  opts.python ??= process.env.MLSERVING_PYTHON || undefined;
  opts.zooDir ??= process.env.MLSERVING_ZOO || undefined;
  opts.opsBuildDir ??= process.env.MLSERVING_DEMO_OPS_BUILD_DIR || undefined;
  return opts;
}

async function main(): Promise<void> {
  let opts: EmulatorOptions;
  try { opts = parseArgs(process.argv.slice(2)); } catch (e) {
    process.stderr.write(`emulator: ${(e as Error).message}\n`);
    process.exit(2);
  }
  // Handlers first: a signal during startup stops the emulator as soon as it is up (temp data removed).
  let emu: Awaited<ReturnType<typeof startEmulator>> | undefined;
  let stopSignal: string | undefined;
  let stopping = false;
  const stop = (sig: string) => {
    stopSignal ??= sig;
    if (!emu || stopping) return;
    stopping = true;
    process.stderr.write(`[emulator] ${sig}: stopping\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    emu.stop().then(() => process.exit(0), e => { process.stderr.write(`[emulator] stop failed: ${e}\n`); process.exit(1); });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  emu = await startEmulator(opts);
  if (stopSignal) return stop(stopSignal);
  process.stdout.write(JSON.stringify({ ...emu.endpoints, serving: emu.serving }) + '\n');
  process.stderr.write(`[emulator] ready; GCS data folder ${emu.dataDir}; admin ${emu.endpoints.admin}\n`);
}

main().catch(e => {
  process.stderr.write(`emulator: failed to start: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
