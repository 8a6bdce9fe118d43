// Platform-neutral core: everything here takes a Backend (GPU or CPU); nothing imports `webgpu` or node:*.
export type { Backend, Buf } from './core/backend.js';
export { CpuBackend } from './cpu/backend.js';
export { GpuBackend } from './gpu/backend.js';
export { deviceFromAdapter, describeAdapter, summarizeAdapter, type AdapterSummary, type DeviceHandle } from './gpu/device.js';
export { GpuError, LimitError, NoAdapterError } from './gpu/errors.js';
export { chooseRecurrence, resolveRecurrence, type Recurrence, type RecurrenceChoice } from './tune/recurrence.js';
export * from './model/config.js';
export { Network, type Capacity, type NetworkOptions } from './model/network.js';
export { Optimizer, type OptimizerOptions } from './model/optimizer.js';
export { packBatch, type PackedBatch } from './model/packing.js';
export { initParams, paramLayout, type ParamLayout } from './model/params.js';
export * from './data/vocab.js';
export { parseNamesZip, namesFromFiles, type NamesData } from './data/names.js';
export { splitNames, DEFAULT_SPLIT_SEED, type Example, type Split } from './data/split.js';
export { DataError } from './data/errors.js';
export { Trainer, DEFAULT_TRAIN_OPTIONS, TrainingDivergedError, balancedWeights, type TrainOptions, type TrainData, type EpochResult, type LmReport, type Progress, type TrainCallbacks } from './train/trainer.js';
export { Predictor, EmptyNameError, WrongTaskError, type Prediction } from './train/predict.js';
// Generation (task 'generate'): language-conditioned character language models and their sampler.
export { Generator, GenerateInputError, resolveLanguage, encodeStart, DEFAULT_MAX_LENGTH, type GenerateOptions, type GeneratedName } from './generate/generator.js';
export { packLmBatch, makeLmBatches } from './train/lm_batches.js';
export { START, END, LM_CLASSES, languageRow, lmConfig } from './train/lm_symbols.js';
export { KnownNames } from './generate/novelty.js';
export { judgeLanguageModel, type JudgeRow, type JudgeOptions } from './generate/judge.js';
export { serializeModel, parseModel, ModelFileError, MODEL_FORMAT, MODEL_VERSION, type Model, type TrainingInfo } from './train/modelfile.js';
export { confusionMatrix, reportFrom, majorityBaseline, softmax, type EvalReport } from './train/metrics.js';
export { parseModelSpec, formatModelSpec, type ModelSpec } from './train/modelspec.js';
export { exportSafetensors, importSafetensors, encodeOnnx, InteropError, TUTORIAL_LANGUAGES } from './interop/index.js';
