// The tests of ../audience.test.ts, run with the Qdrant adapter against the fake Qdrant over HTTP.
import { useQdrantFake } from '../../support/test-backend.js';

useQdrantFake();
await import('../audience.test.js');
