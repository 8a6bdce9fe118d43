// Problems with a file from (or for) another framework: a safetensors file that is not one, a state_dict
// this project cannot run. The message is one line naming the file, the tensor and what was expected.
export class InteropError extends Error {
  override name = 'InteropError';
}
