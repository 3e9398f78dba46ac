// The Workers of validate.mjs's multi-thread contenders (in a browser, Web Workers). They stay
// up between runs, as a page keeps its Workers.
// - "rules": a CsvValidator taking a CsvSplitter's messages. A run starts with {start: collect}
//   ("table": leads kept in a LeadTable; "stream": leads packed and posted to the main thread
//   after every message); "finish" ends it and posts {counts}.
// - "splitter": reads a file ({path, chunkSize, collect}) with a CsvSplitter and posts its messages to the
//   rules Worker through {port}; while more than one message waits there it also runs the rules
//   that need no other row.
// `shared` (Int32Array): [messages applied, rules stopped].
const { parentPort, workerData } = require("node:worker_threads");
const { openSync, readSync, closeSync } = require("node:fs");
const leads = require(workerData.pkg);
const shared = new Int32Array(workerData.shared);

if (workerData.role === "rules") {
  let v = null;
  let collect = "table";
  const onMessage = (message) => {
    if (message?.start) {
      collect = message.start;
      v = new leads.CsvValidator(null, collect);
      return;
    }
    if (message === "finish") {
      const report = v.finish();
      let valid;
      if (collect === "table") {
        const table = v.leadTable();
        valid = table.length;
        table.free();
      } else {
        post(v.takeLeadsPacked());
      }
      v.free();
      parentPort.postMessage({ counts: [valid, report.invalid] });
      return;
    }
    v.pushMessage(message);
    if (collect === "stream") post(v.takeLeadsPacked());
    if (v.isStopped) Atomics.store(shared, 1, 1);
    Atomics.add(shared, 0, 1);
    Atomics.notify(shared, 0);
  };
  const post = (packed) => parentPort.postMessage({ packed }, Object.values(packed).map((a) => a.buffer));
  parentPort.on("message", onMessage);
  workerData.port?.on("message", onMessage);
} else {
  const port = workerData.port;
  parentPort.on("message", ({ path, chunkSize, collect }) => {
    // Through the same port as the messages, so the rules Worker gets them in order.
    port.postMessage({ start: collect });
    const splitter = new leads.CsvSplitter(null);
    const fd = openSync(path, "r");
    const buf = Buffer.alloc(chunkSize);
    let sent = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0 || splitter.isStopped || Atomics.load(shared, 1)) break;
      let waiting = sent - Atomics.load(shared, 0);
      // Bounded memory: wait while eight messages are queued.
      while (waiting >= 8) {
        Atomics.wait(shared, 0, sent - waiting);
        waiting = sent - Atomics.load(shared, 0);
      }
      const message = splitter.push(buf.subarray(0, n), waiting > 1);
      port.postMessage(message, [message.buffer]);
      sent++;
    }
    closeSync(fd);
    const last = splitter.finish();
    splitter.free();
    port.postMessage(last, [last.buffer]);
    port.postMessage("finish");
  });
}
