// The `tls` config block: its settings and checks, loading the files it names, and gRPC credentials from them.
// The settings live in their own module so the loaders can import them without importing this one back.
export * from './tls-config.ts';
export * from './tls-load.ts';
export * from './tls-grpc.ts';
