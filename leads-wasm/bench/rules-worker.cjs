// The rules half of the two-thread validation in validate.mjs: a CsvValidator taking the
// messages of the CsvSplitter on the bench's main thread (in a browser, another Worker). The
// Worker stays up between runs, as a page keeps its Workers: each run starts with "start".
const { parentPort, workerData } = require("node:worker_threads");
const leads = require(workerData.pkg);
// [messages applied, stopped]
const shared = new Int32Array(workerData.shared);
let v = null;
parentPort.on("message", (message) => {
  if (message === "start") {
    v = new leads.CsvValidator(null, "table");
    return;
  }
  if (message === "finish") {
    const report = v.finish();
    const table = v.leadTable();
    const counts = [table.length, report.invalid];
    table.free();
    v.free();
    parentPort.postMessage(counts);
    return;
  }
  v.pushMessage(message);
  if (v.isStopped) Atomics.store(shared, 1, 1);
  Atomics.add(shared, 0, 1);
  Atomics.notify(shared, 0);
});
