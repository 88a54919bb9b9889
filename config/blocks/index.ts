// Config blocks shared by components (`tls`, `retry_on_failure`, `sending_queue`, a server's timeouts and caps),
// each a schema to embed in a component's schema, its TypeScript shape, a validate function and the code that uses it.
export * from './tls.ts';
export * from './retry.ts';
export * from './queue.ts';
export * from './server-limits.ts';
export * from './server-limits-http.ts';
