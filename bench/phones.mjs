// Phones for bench/hall.py: a room of socket.io-client sockets in one Node process.
//
//   node bench/phones.mjs '{"url": "http://127.0.0.1:5000", "code": "ABC234", "questionId": 7, ...}'
//
// Driven by bench/hall.py, which starts one or two of these processes. Each one prints one JSON
// object per line on stdout when a phase ends, and waits for the next command as one JSON
// object per line on stdin (anything for people goes to stderr):
//
//   start           -> {"phase": "joined", ...}   its phones connect and join, at joinRate a second
//   {"cmd": "vote", "startAt": <epoch ms>, "rate": <votes/s, this process>, "slot": j, "slots": P}
//                   -> {"phase": "voted", ...}    its m-th joined phone votes at startAt + (m*P + j)/rate
//   {"cmd": "settle", "total": T}
//                   -> {"phase": "settled", ...}  when every phone holds a tally with total >= T
//   {"cmd": "final", "counts": {...}}
//                   -> {"phase": "final", ...}    when every phone's latest tally has these counts
//
// Every wait has a time limit from the config, and the process exits by itself after "final"
// (or after idleLimitMs without a command). Only the URL it is given is contacted; or, given
// "urls" (one per server process, bench/hall.py --processes), phone i always connects to
// urls[i mod N], as nginx's ip_hash keeps one phone on one process.
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import readline from "node:readline";
import { io } from "socket.io-client";

const cfg = {
  transport: "websocket",
  deflate: true, // offer permessage-deflate, as browsers and Node's ws do
  firstIndex: 0,
  joinRate: 500,
  joinTimeoutMs: 15000,
  ackTimeoutMs: 30000,
  settleTimeoutMs: 15000,
  finalTimeoutMs: 15000,
  idleLimitMs: 600000,
  ...JSON.parse(process.argv[2]),
};
// Phone i's server: the same one every time (sticky), spread evenly over the processes.
const serverOf = (index) => (cfg.urls && cfg.urls.length ? cfg.urls[index % cfg.urls.length] : cfg.url);
const now = () => performance.timeOrigin + performance.now(); // epoch ms, sub-millisecond
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const log = (msg) => process.stderr.write(`[phones ${cfg.firstIndex}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let cpuMark = process.cpuUsage();
let wallMark = now();

function clientLoad() {
  // How busy this client process was since the last phase: a saturated client would make the
  // server look slower than it is, so every phase reports it.
  const cpu = process.cpuUsage(cpuMark);
  const wall = now() - wallMark;
  const figures = {
    cpu_cores: wall > 0 ? +((cpu.user + cpu.system) / 1000 / wall).toFixed(2) : null,
    // The histogram holds the time between 10 ms timer ticks: the delay is what exceeds 10 ms.
    event_loop_delay_p99_ms: +Math.max(0, lag.percentile(99) / 1e6 - 10).toFixed(1),
    event_loop_delay_max_ms: +Math.max(0, lag.max / 1e6 - 10).toFixed(1),
  };
  lag.reset();
  cpuMark = process.cpuUsage();
  wallMark = now();
  return figures;
}

class Phone {
  constructor(index) {
    this.index = index; // global index in the room
    this.state = "pending"; // pending | joining | joined | failed
    this.failure = null;
    this.disconnected = null; // reason, if the socket closed after joining
    this.maxTotal = -1;
    this.maxSeq = -1;
    this.latest = null; // the tally with the highest seq
    this.reach = []; // [epoch ms, total] each time the highest total seen grew
    this.socket = null;
    this.joinedAt = null;
    this.tallies = 0; // tally messages received (each process's broadcaster sends its own)
  }

  tally(t, at) {
    if (!t || t.question_id !== cfg.questionId) return;
    this.tallies++;
    if (typeof t.seq === "number" && t.seq > this.maxSeq) {
      this.maxSeq = t.seq;
      this.latest = t;
    }
    if (typeof t.total === "number" && t.total > this.maxTotal) {
      this.maxTotal = t.total;
      this.reach.push([at, t.total]);
    }
  }

  join() {
    return new Promise((resolve) => {
      const started = now();
      this.state = "joining";
      const s = io(serverOf(this.index) + "/live", {
        transports: [cfg.transport], upgrade: false, reconnection: false, forceNew: true,
        timeout: cfg.joinTimeoutMs, perMessageDeflate: cfg.deflate ? { threshold: 1024 } : false,
      });
      this.socket = s;
      let done = false;
      const finish = (failure) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (failure) {
          this.state = "failed";
          this.failure = failure;
          s.removeAllListeners();
          s.close();
        } else {
          this.state = "joined";
          this.joinedAt = now();
        }
        resolve(now() - started);
      };
      const timer = setTimeout(() => finish(s.connected ? "join_timeout" : "connect_timeout"), cfg.joinTimeoutMs);
      s.on("tally", (t) => this.tally(t, now()));
      s.on("connect_error", (err) => finish(`connect_error: ${err && err.message ? err.message : err}`));
      s.on("disconnect", (reason) => {
        if (this.state === "joined") this.disconnected = reason;
        else finish(`disconnected: ${reason}`);
      });
      s.on("connect", () => {
        const left = Math.max(1, cfg.joinTimeoutMs - (now() - started));
        s.timeout(left).emit("join", { code: cfg.code }, (err, ack) => {
          if (err) return finish("join_timeout");
          if (!ack || !ack.ok) return finish(`join_error: ${ack && ack.error ? ack.error.code : "no ack"}`);
          if (ack.tally) this.tally(ack.tally, now());
          finish(null);
        });
      });
    });
  }
}

const phones = Array.from({ length: cfg.phones }, (_, i) => new Phone(cfg.firstIndex + i));
const joined = () => phones.filter((p) => p.state === "joined");
const connected = () => phones.filter((p) => p.state === "joined" && !p.disconnected);

async function joinAll() {
  const start = now();
  const waits = [];
  const durations = [];
  for (let i = 0; i < phones.length; i++) {
    const due = start + (i * 1000) / cfg.joinRate;
    const ahead = due - now();
    if (ahead > 1) await sleep(ahead);
    waits.push(phones[i].join().then((ms) => { if (phones[i].state === "joined") durations.push(ms); }));
  }
  await Promise.all(waits); // each join settles within joinTimeoutMs
  const failures = {};
  for (const p of phones) if (p.failure) failures[p.failure] = (failures[p.failure] || 0) + 1;
  const byServer = {}; // joined phones by server address (several with --processes)
  for (const p of joined()) byServer[serverOf(p.index)] = (byServer[serverOf(p.index)] || 0) + 1;
  out({
    phase: "joined", phones: phones.length, joined: joined().length, failures, by_server: byServer,
    join_ms: durations, start, last_join: Math.max(0, ...joined().map((p) => p.joinedAt)),
    seconds: (now() - start) / 1000, client: clientLoad(),
  });
}

async function vote({ startAt, rate, slot, slots }) {
  const voters = joined();
  const talliesBefore = voters.reduce((n, p) => n + p.tallies, 0);
  const votes = [];
  const acks = [];
  const schedule = (m) => startAt + ((m * slots + slot) * 1000) / rate;
  let m = 0;
  await new Promise((resolveAll) => {
    const tick = () => {
      const t = now();
      while (m < voters.length && schedule(m) <= t) {
        const phone = voters[m];
        const option = cfg.options[phone.index % cfg.options.length];
        const record = { emit: now(), ack_ms: null, ok: false, error: null, client_vote_id: randomUUID() };
        votes.push(record);
        if (phone.disconnected) { // the server closed it: nothing can be sent any more
          record.error = "disconnected";
          m++;
          continue;
        }
        acks.push(new Promise((resolve) => {
          phone.socket.timeout(cfg.ackTimeoutMs).emit("vote", {
            question_id: cfg.questionId, value: option, client_vote_id: record.client_vote_id,
          }, (err, ack) => {
            if (err) record.error = "ack_timeout";
            else {
              record.ack_ms = now() - record.emit;
              record.ok = !!(ack && ack.ok);
              if (!record.ok) record.error = ack && ack.error ? ack.error.code : "bad_ack";
            }
            resolve();
          });
        }));
        m++;
      }
      if (m < voters.length) setTimeout(tick, Math.max(0, schedule(m) - now()));
      else resolveAll();
    };
    setTimeout(tick, Math.max(0, startAt - now()));
  });
  await Promise.all(acks); // each settles within ackTimeoutMs
  const tallies = voters.reduce((n, p) => n + p.tallies, 0) - talliesBefore;
  out({ phase: "voted", votes, tallies, voting_ms: now() - startAt, client: clientLoad() });
}

async function waitFor(condition, limitMs) {
  const start = now();
  while (!condition()) {
    if (now() - start > limitMs) return { ok: false, ms: now() - start };
    await sleep(20);
  }
  return { ok: true, ms: now() - start };
}

async function settle({ total }) {
  const waited = await waitFor(() => connected().every((p) => p.maxTotal >= total), cfg.settleTimeoutMs);
  // lastPhone[k]: when the last connected phone first held a tally counting k votes, or null.
  const room = connected();
  const maxK = Math.max(total, 0, ...room.map((p) => p.maxTotal));
  const lastPhone = new Array(maxK + 1).fill(-Infinity);
  const reached = new Array(maxK + 1).fill(0);
  for (const p of room) {
    let prev = 0;
    for (const [at, tot] of p.reach) {
      for (let k = prev + 1; k <= tot && k <= maxK; k++) {
        if (at > lastPhone[k]) lastPhone[k] = at;
        reached[k]++;
      }
      prev = Math.max(prev, tot);
    }
  }
  out({
    phase: "settled", all_reached: waited.ok, waited_ms: waited.ms, phones: room.length,
    disconnected: joined().length - room.length,
    last_phone: lastPhone.map((at, k) => (k === 0 || reached[k] < room.length ? null : at)),
    client: clientLoad(),
  });
}

function sameCounts(a, b) {
  if (!a || !b) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] || 0) !== (b[k] || 0)) return false;
  return true;
}

async function final({ counts }) {
  const room = joined();
  const waited = await waitFor(() => room.every((p) => p.latest && sameCounts(p.latest.counts, counts)),
    cfg.finalTimeoutMs);
  const exact = room.filter((p) => p.latest && sameCounts(p.latest.counts, counts)).length;
  const disconnectReasons = {};
  for (const p of room) if (p.disconnected) disconnectReasons[p.disconnected] = (disconnectReasons[p.disconnected] || 0) + 1;
  out({
    phase: "final", phones: room.length, exact, waited_ms: waited.ms, disconnected: disconnectReasons,
    client: clientLoad(),
  });
  for (const p of phones) if (p.socket) { p.socket.removeAllListeners(); p.socket.close(); }
}

const commands = readline.createInterface({ input: process.stdin });
const queue = [];
let waiter = null;
commands.on("line", (line) => {
  if (!line.trim()) return;
  queue.push(JSON.parse(line));
  if (waiter) { waiter(); waiter = null; }
});
commands.on("close", () => { queue.push({ cmd: "quit" }); if (waiter) { waiter(); waiter = null; } });

async function next() {
  if (!queue.length) {
    const idle = new Promise((r) => setTimeout(() => r("idle"), cfg.idleLimitMs));
    const line = new Promise((r) => { waiter = r; });
    if ((await Promise.race([idle, line])) === "idle") return { cmd: "quit" };
  }
  return queue.shift();
}

async function main() {
  await joinAll();
  for (;;) {
    const command = await next();
    if (command.cmd === "vote") await vote(command);
    else if (command.cmd === "settle") await settle(command);
    else if (command.cmd === "final") { await final(command); break; }
    else break;
  }
  for (const p of phones) if (p.socket) { p.socket.removeAllListeners(); p.socket.close(); }
  commands.close();
  setTimeout(() => process.exit(0), 200);
}

main().catch((err) => { log(err && err.stack ? err.stack : String(err)); process.exit(2); });
