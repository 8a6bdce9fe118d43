// Prints the WebGPU adapter Node's Dawn finds, or exits 1. Used by setup-webgpu.sh.
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) { console.error('no WebGPU adapter'); process.exit(1); }
const i = adapter.info;
console.log(`adapter: ${i.vendor} / ${i.architecture} / ${i.description}`);
process.exit(0);
