// The `webgpu-rnn` command: dispatches to the subcommands and turns known errors into one-line messages
// (no stack traces for bad input; set WEBGPU_RNN_DEBUG=1 to see them).
import { DataError } from '../data/errors.js';
import { ConfigError } from '../model/config.js';
import { GpuError, LimitError, NoAdapterError } from '../gpu/errors.js';
import { InteropError } from '../interop/errors.js';
import { FileError, fileError, fsCode } from '../node/files.js';
import { ModelFileError } from '../train/modelfile.js';
import { EmptyNameError, WrongTaskError } from '../train/predict.js';
import { TrainingDivergedError } from '../train/trainer.js';
import { UsageError } from './args.js';
import { compareCommand } from './compare.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { generateCommand } from './generate.js';
import { GenerateInputError } from '../generate/generator.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';
import { tuneCommand } from './tune.js';

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  train: trainCommand,
  predict: predictCommand,
  eval: evalCommand,
  compare: compareCommand,
  export: exportCommand,
  import: importCommand,
  generate: generateCommand,
  tune: tuneCommand,
};

const USAGE = `usage: webgpu-rnn <command> [options]

commands:
  train     train a name → language classifier (rnn, gru, lstm; layers, bidirectional, attention)
  predict   the most likely languages of names:   webgpu-rnn predict Nguyen Schmidt --model model.json
  eval      accuracy, macro-F1, per-language metrics and confusion matrix of a model
  compare   train several models the same way: loss plot, confusion heatmaps, results table
  export    write a model for PyTorch (safetensors state_dict) or ONNX Runtime (.onnx)
  import    read a PyTorch state_dict saved as safetensors into a model file
  tune      measure the kernels' tunables on this adapter for a model (train does it once, within 20 s)
  generate  new names from a language model (train --task generate):  webgpu-rnn generate --model lm.json --language Russian

'webgpu-rnn <command> --help' lists a command's options.
`;

const KNOWN = [UsageError, DataError, ConfigError, LimitError, NoAdapterError, GpuError, ModelFileError, InteropError, EmptyNameError, TrainingDivergedError, GenerateInputError, WrongTaskError, FileError];

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    process.stderr.write(`webgpu-rnn: unknown command '${cmd}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    await run(rest);
    return 0;
  } catch (e) {
    const err = e as Error;
    if (process.env.WEBGPU_RNN_DEBUG) process.stderr.write(`${err.stack}\n`);
    if (KNOWN.some((k) => err instanceof k)) {
      process.stderr.write(`webgpu-rnn ${cmd}: ${err.message}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
    // A file-system error nobody translated is still the user's file, not our bug: say which and why.
    const code = fsCode(err);
    const path = (err as NodeJS.ErrnoException).path;
    if (code && path) {
      process.stderr.write(`webgpu-rnn ${cmd}: ${fsMessage(code, path)}\n`);
      return 1;
    }
    process.stderr.write(`webgpu-rnn ${cmd}: internal error: ${err?.message ?? err} (set WEBGPU_RNN_DEBUG=1 for details)\n`);
    return 1;
  }
}

function fsMessage(code: string, path: string): string {
  const e = Object.assign(new Error(code), { code });
  return (fileError(e, 'access', path) as Error).message;
}

// process.exit: Dawn's threads would otherwise keep the process alive after the device is done.
process.exit(await main(process.argv.slice(2)));
