import type { Tracker } from '#tracker';

/** A CLI command: `npm run cli -- <name> [args]`. Long jobs report progress on stderr. */
export interface CliCommand {
  name: string;
  summary: string;
  usage?: string;
  run(ctx: Tracker, args: string[]): Promise<number | void>;
}

/** A one-line progress bar on stderr (only when stderr is a terminal, else a line every 10 %). */
export function progress(label: string, total: number): { tick(done: number): void; end(): void } {
  let lastShown = -1;
  const tty = process.stderr.isTTY;
  return {
    tick(done: number) {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
        process.stderr.write(`\r${label} [${bar}] ${pct}% (${done}/${total})`);
      } else if (Math.floor(pct / 10) !== Math.floor(lastShown / 10)) {
        process.stderr.write(`${label}: ${pct}% (${done}/${total})\n`);
      }
      lastShown = pct;
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}
