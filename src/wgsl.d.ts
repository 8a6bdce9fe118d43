// WGSL files are imported as text (esbuild's text loader; a tiny plugin in vitest.config.ts), so Node,
// the browser bundle and the tests all compile exactly the same shader source.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
