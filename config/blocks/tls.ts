// The `tls` config block: its settings and checks and loading the files it names (gRPC credentials from them are in
// tls-grpc.ts, imported directly by what serves or dials gRPC, so that nothing else loads grpc-js).
// The settings live in their own module so the loaders can import them without importing this one back.
export * from './tls-config.ts';
export * from './tls-load.ts';
