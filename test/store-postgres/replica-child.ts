/**
 * A replica for test/store-postgres/replicas.test.ts, as its own process (so that it can be
 * killed with SIGKILL): joins the database given as argv[2] with a lease of argv[3] ms, starts
 * argv[4] executions and argv[5] actionflow runs as Running (so they are its own), stores one
 * document per execution, prints `ready <replica id>` and keeps renewing its lease until killed.
 */
import { openPgStore } from '../../src/store/postgres/pg-store.js';
import { ReplicaCoordinator } from '../../src/store/postgres/replicas.js';

const [url, leaseMs, executions, processes, secretsFile] = process.argv.slice(2);
const store = await openPgStore(url, { secretsFile, replicaId: `child-${process.pid}` });
const replica = await ReplicaCoordinator.join(store, { clock: 'real', leaseMs: Number(leaseMs) });
replica.startRenewing();
const at = new Date().toISOString();
for (let i = 0; i < Number(executions); i++) {
  const id = `${store.replicaId}-e${i}`;
  await store.executions.insert({
    id, flowId: 'invoice', flowName: 'Invoice', status: 'Running', progress: { percentage: 10, message: 'Step 1', status: 'Running' },
    createdAt: at, createdBy: 'u1', modifiedAt: at, modifiedBy: 'u1', inputKind: 'none', inputData: null, skipUserInput: false,
    stages: [{ start: at, end: null, input: null, lastProgress: null }], iterations: [], report: [], warnings: [], errors: [],
    output: { model: {} }, waitingFor: null, cursor: { step: 1 }, version: 0, queueSeq: null,
  });
  await store.documents.insert({
    id: `${id}-doc`, executionId: id, displayName: 'Invoice.pdf', description: null, createdAt: at, createdBy: 'u1',
    templateId: null, language: 'en', finished: true, expiration: null, contentType: 'application/pdf', size: 8,
  }, Buffer.from(`%PDF-${i}`.padEnd(8, ' ')));
}
for (let i = 0; i < Number(processes); i++) {
  await store.processes.insert({
    id: `${store.replicaId}-p${i}`, application: 'Demo', actionflow: 'Slow', status: 'Running', userId: 'u1', createdAt: at,
    finishedAt: null, httpStatus: null, envelope: null, recordsDone: 0, message: null,
  });
}
console.log(`ready ${store.replicaId}`);
setInterval(() => {}, 1 << 30);
