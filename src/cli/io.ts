/** Where the CLI reads its environment and writes its output (tests pass their own). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
