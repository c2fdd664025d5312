// The tests of ../trending.test.ts, run with the Qdrant adapter against the fake Qdrant over HTTP.
import { useQdrantFake } from '../../support/test-backend.js';

useQdrantFake();
await import('../trending.test.js');
