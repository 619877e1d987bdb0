// The float64 reference of the tests: reference64.mjs (plain JavaScript, shared with
// bench/gpu/check.mjs and the demo's self-test), with its types.
export * from './reference64.mjs';
