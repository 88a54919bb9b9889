// Every built-in component passes the conformance checks.
import { builtinFactories } from '../components.ts';
import { runConformance } from './conformance.ts';

runConformance(builtinFactories, {
  overrides: {
    'extension:health_check': { endpoint: 'localhost:0' },
  },
});
