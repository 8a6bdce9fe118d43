// The CPU twins of prelude.wgsl's clamped activations.
export const sigmoidC = (x: number): number => 1 / (1 + Math.exp(-Math.min(30, Math.max(-30, x))));
export const tanhC = (x: number): number => Math.tanh(Math.min(15, Math.max(-15, x)));
