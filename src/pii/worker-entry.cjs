// Worker threads don't inherit tsx's loader from bin/slogate, so each worker registers tsx itself.
// tsx's require hook runs in the worker's own thread (the ESM hooks would start another loader
// thread), which halves a worker's memory (~30 MB instead of ~60 MB) and its start-up time.
const { register } = require('tsx/cjs/api');
register();
require('./worker.ts');
