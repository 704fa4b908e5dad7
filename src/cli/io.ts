/** Where the CLI reads its environment and writes its output (tests pass their own). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface OperationIo extends CliIo {
  /** Asks a yes/no question at a terminal; absent when stdin is not a TTY (then --yes is needed). */
  ask?: (question: string) => Promise<boolean>;
  signal?: AbortSignal;
}
