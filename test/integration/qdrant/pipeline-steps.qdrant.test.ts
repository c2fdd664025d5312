// The tests of ../pipeline-steps.test.ts, run with the Qdrant adapter against the fake Qdrant over HTTP.
import { useQdrantFake } from '../../support/test-backend.js';

useQdrantFake();
await import('../pipeline-steps.test.js');
