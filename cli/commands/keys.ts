import type { Command } from 'commander';
import { writeKeyPair } from '../../controller/keys.js';

interface KeysOptions {
  out: string;
  name: string;
}

export function register(program: Command): void {
  program
    .command('keys')
    .description('generate a CURVE key pair: NAME.pub and NAME.key (mode 0600) in Z85')
    .requiredOption('--out <dir>', 'directory to write the key files to')
    .option('--name <name>', "file name stem ('server' for the daemon)", 'server')
    .action((options: KeysOptions) => {
      const pair = writeKeyPair(options.out, options.name);
      process.stdout.write(`${options.name}.pub ${pair.publicKey}\n`);
    });
}
