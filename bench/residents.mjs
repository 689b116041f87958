// Residents for bench/hall.py: survey responses POSTed by many residents, each from its own address.
//
//   node bench/residents.mjs '{"url": "http://127.0.0.1:5000", "path": "/api/v1/surveys/3/responses",
//                              "body": {"answers": {...}}, "count": 2000, "concurrency": 16}'
//
// Each resident opens its own TCP connection from its own loopback address (127.A.B.C: all of
// 127.0.0.0/8 is this machine), as residents' phones come from their own addresses, so
// per-address rate limits see 2,000 residents, not one. `concurrency` residents are in flight at
// once; each waits at most timeoutMs. Prints one JSON object: every latency (ms, from opening
// the connection to the last byte of the answer), the statuses, the errors and the wall time.
import http from "node:http";
import { performance } from "node:perf_hooks";

const cfg = { concurrency: 16, timeoutMs: 30000, addressBlock: 10, ...JSON.parse(process.argv[2]) };
const target = new URL(cfg.url);
const body = Buffer.from(JSON.stringify(cfg.body));

// Resident i's address: 127.<block>.<1 + i/250>.<1 + i%250>, never .0 or .255.
const address = (i) => `127.${cfg.addressBlock}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

function submit(i) {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = http.request({
      host: target.hostname, port: target.port, method: "POST", path: cfg.path, localAddress: address(i),
      agent: false, timeout: cfg.timeoutMs,
      headers: { "Content-Type": "application/json", "Content-Length": body.length, Connection: "close" },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - start }));
      res.on("error", (err) => resolve({ error: err.code || String(err), ms: performance.now() - start }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => resolve({ error: err.code || err.message, ms: performance.now() - start }));
    req.end(body);
  });
}

const results = new Array(cfg.count);
let next = 0;
const started = performance.now();
async function worker() {
  while (next < cfg.count) {
    const i = next++;
    results[i] = await submit(i);
  }
}
await Promise.all(Array.from({ length: Math.min(cfg.concurrency, cfg.count) }, worker));
const seconds = (performance.now() - started) / 1000;
const statuses = {};
const errors = {};
for (const r of results) {
  if (r.error) errors[r.error] = (errors[r.error] || 0) + 1;
  else statuses[r.status] = (statuses[r.status] || 0) + 1;
}
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({
  count: cfg.count, seconds, statuses, errors,
  latencies_ms: results.filter((r) => !r.error && r.status >= 200 && r.status < 300).map((r) => r.ms),
  client_cpu_cores: +((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2),
}) + "\n");
