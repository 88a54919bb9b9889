// Run in a process of its own (see lazy-loading.test.ts): starts a hub with the config given as the first argument,
// stops it, and prints as JSON the npm packages that loading, starting and stopping it resolved, each once.
import { registerHooks } from 'node:module';

const packages = new Set<string>();
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    const at = resolved.url.lastIndexOf('/node_modules/');
    if (at >= 0) {
      const [scope, name] = resolved.url.slice(at + '/node_modules/'.length).split('/');
      packages.add(scope?.startsWith('@') ? `${scope}/${name ?? ''}` : (scope ?? ''));
    }
    return resolved;
  },
});

const { startHub } = await import('../../cli/hub.ts');
const hub = await startHub({
  configText: { name: 'loaded-packages', text: process.argv[2] ?? '' },
  logSink: { write: () => true },
});
await hub.shutdown();
process.stdout.write(`${JSON.stringify([...packages].sort())}\n`);
