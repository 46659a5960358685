// billchain's prover side (chain/zk/prover.py): one JSON request on stdin, one JSON answer on stdout; or,
// with --serve, one request a line and one answer a line ({"ok": ...} or {"error": ...}) for as long as
// stdin stays open, the curve, the hash tables and snarkjs's worker threads made once.
//   keypair | public_key | commit | ecdh | hash | nullifier | recall_key | root | mint | transfer | decrypt | issue | range_transfer
//   | discount | present
// A spend's ephemeral key is its recall key (notes.mjs): its spender reads it back from the chain alone.
// Secrets (keys, openings) arrive on stdin only. Large numbers travel as decimal strings.
import * as snarkjs from "snarkjs";
import { notes } from "./notes.mjs";
import { spawn } from "node:child_process";
import readline from "node:readline";

const TWO128 = 2n ** 128n;
const text = (o) => JSON.stringify(o, (_, v) => (typeof v === "bigint" ? v.toString() : v));
const big = (xs) => xs.map(BigInt);
// a range note's opening {billId, maturityDay, start, end, salt} as BigInts
const rangeOf = (raw) => Object.fromEntries(["billId", "maturityDay", "start", "end", "salt"].map((f) => [f, BigInt(raw[f])]));

// snarkjs's proof in the order the EIP-197 precompile reads G2 points: (x.im, x.re, y.im, y.re)
const forContract = (proof) => ({
  a: proof.pi_a.slice(0, 2),
  b: [[proof.pi_b[0][1], proof.pi_b[0][0]], [proof.pi_b[1][1], proof.pi_b[1][0]]],
  c: proof.pi_c.slice(0, 2),
});

// With BILLCHAIN_NATIVE_PROVER set (chain/zk/prover.py sets it when the native prover is built), the
// witness is computed here by the circuit's wasm, as snarkjs's fullProve does, and proven by that program
// (prover/, one line in and one out over its stdin and stdout, never a file); otherwise snarkjs proves.
const NATIVE = process.env.BILLCHAIN_NATIVE_PROVER;
let native = null; // started on the first proof

function nativeProver(path) {
  const child = spawn(path, [], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = [];
  let ended = null;
  // an answer that is no JSON, or that nobody waits for, means answers and requests no longer pair up: the
  // child is ended (and started again for the next proof) rather than trusted to pair the next ones
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    let answer;
    try {
      answer = JSON.parse(line);
    } catch (err) {
      child.kill();
      return end(`answered no JSON: ${err.message}`);
    }
    const next = waiting.shift();
    if (!next) {
      child.kill();
      return end("answered what no one asked");
    }
    next.resolve(answer);
  });
  const end = (why) => {
    if (ended) return;
    ended = new Error(`the native prover ${why}`);
    if (native === call) native = null; // the next proof starts a new one
    while (waiting.length) waiting.shift().reject(ended);
  };
  child.on("error", (err) => end(`could not run: ${err.message}`));
  child.on("close", (code) => end(`ended (${code})`)); // after its stdout is read to the end
  child.stdin.on("error", () => {}); // its end is reported by "close"
  const call = (request) =>
    new Promise((resolve, reject) => {
      if (ended) return reject(ended);
      waiting.push({ resolve, reject });
      child.stdin.write(JSON.stringify(request) + "\n");
    });
  return call;
}

async function prove(input, circuit) {
  if (!NATIVE) {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, circuit.wasm, circuit.zkey);
    return { proof: forContract(proof), publicSignals };
  }
  const witness = { type: "mem" };
  await snarkjs.wtns.calculate(input, circuit.wasm, witness);
  native ??= nativeProver(NATIVE);
  const answer = await native({
    zkey: circuit.zkey, zkey_sha256: circuit.zkeySha256, witness: Buffer.from(witness.data).toString("hex"),
  });
  if (answer.error) throw new Error(answer.error);
  return { proof: forContract(answer.proof), publicSignals: answer.publicSignals };
}

async function handle(req, z) {
  switch (req.command) {
    case "public_key":
      return { pk: z.publicKey(BigInt(req.sk)) };
    case "keypair": {
      const sk = z.secretKey();
      return { sk, pk: z.publicKey(sk) };
    }
    case "commit":
      return { commitment: z.cashNote(BigInt(req.value), big(req.owner), BigInt(req.salt)) };
    case "range_commit":
      return { commitment: z.rangeNote(rangeOf(req), big(req.owner)) };
    case "points_at": {
      // the two BabyJubJub points with this x (a ciphertext that names a member by its key's x alone)
      return { points: z.pointsAt(BigInt(req.x)).map((y) => [BigInt(req.x), y]) };
    }
    case "ecdh":
      // the point a member's key shares with an operation's ephemeral key (a bank's cancel key is its Poseidon)
      return { point: z.ecdh(BigInt(req.sk), big(req.pk)) };
    case "hash":
      // circomlib's Poseidon of the values, as the circuits compute it (a discount's salts from their seed)
      return { hash: z.hash(big(req.values)) };
    case "nullifier":
      return { nullifier: z.nullifier(BigInt(req.commitment), BigInt(req.sk)) };
    case "recall_key":
      return { key: z.recallKey(BigInt(req.sk), BigInt(req.nullifier), BigInt(req.nonce)) };
    case "root":
      return { root: new z.Tree(req.leaves).root() };
    case "decrypt":
      return { plain: z.decrypt(req.cipher, z.ecdh(BigInt(req.sk), big(req.ecdhPk)), BigInt(req.nonce), req.length) };
    case "mint": {
      const owner = big(req.ownerPk);
      const salt = req.salt === undefined ? z.random(z.subOrder) : BigInt(req.salt); // a given salt: tests' attacks
      const commitment = z.cashNote(BigInt(req.value), owner, salt);
      const input = {
        ownerPk: owner, salt, ecdhSk: z.secretKey(),
        value: BigInt(req.value), commitment, encryptionNonce: z.random(TWO128), regulatorPk: big(req.regulatorPk),
      };
      return { ...(await prove(input, req.circuit)), note: { value: BigInt(req.value), owner, salt, commitment } };
    }
    case "transfer": {
      // req.inputs: one or two of the sender's notes {value, salt, index}; req.leaves: the tree's leaves
      const sk = BigInt(req.sk);
      const sender = z.publicKey(sk);
      const tree = new z.Tree(req.leaves);
      const spent = req.inputs.map((n) => ({ value: BigInt(n.value), salt: BigInt(n.salt), index: n.index }));
      while (spent.length < 2) spent.push(null);
      const total = spent.reduce((sum, n) => sum + (n ? n.value : 0n), 0n);
      const pay = BigInt(req.amount);
      const change = req.change === undefined ? total - pay : BigInt(req.change);
      const receiver = big(req.receiverPk);
      // a DvP payment makes exactly the note the discount's proof committed to: its salt is given
      const outSalts = [req.salt === undefined ? z.random(z.subOrder) : BigInt(req.salt), z.random(z.subOrder)];
      const out = [
        { value: pay, owner: receiver, salt: outSalts[0], commitment: z.cashNote(pay, receiver, outSalts[0]) },
        { value: change, owner: sender, salt: outSalts[1], commitment: z.cashNote(change, sender, outSalts[1]) },
      ];
      const nullifiers = spent.map((n) => (n ? z.nullifier(z.cashNote(n.value, sender, n.salt), sk) : 0n));
      const encryptionNonce = z.random(TWO128);
      const input = {
        inValues: spent.map((n) => (n ? n.value : 0n)),
        inSalts: spent.map((n) => (n ? n.salt : 0n)),
        ownerSk: sk,
        leafIndex: spent.map((n) => (n ? n.index : 0)),
        pathElements: spent.map((n) => (n ? tree.path(n.index) : Array(20).fill(0n))),
        outValues: [pay, change], receiverPk: receiver, outSalts, ecdhSk: z.recallKey(sk, nullifiers[0], encryptionNonce),
        root: tree.root(), nullifiers,
        outCommitments: out.map((n) => n.commitment),
        encryptionNonce, regulatorPk: big(req.regulatorPk),
      };
      return { ...(await prove(input, req.circuit)), notes: out };
    }
    case "issue": {
      const payee = big(req.payeePk);
      // the bill's id names its acceptor: its member code above a 32-bit serial (circuits/bill_issue.circom)
      // (req.billId: another id, for the test that no proof of it can be made)
      const billId = req.billId === undefined ? BigInt(req.acceptor) * 2n ** 32n + BigInt(req.serial) : BigInt(req.billId);
      const note = {
        billId, maturityDay: BigInt(req.maturityDay), start: 1n, end: BigInt(req.amount),
        salt: z.random(z.subOrder),
      };
      const commitment = z.rangeNote(note, payee);
      const input = {
        billId: note.billId, maturityDay: note.maturityDay, amount: note.end, payeePk: payee, salt: note.salt,
        ecdhSk: z.secretKey(), commitment, today: BigInt(req.today), acceptor: BigInt(req.acceptor),
        encryptionNonce: z.random(TWO128),
        regulatorPk: big(req.regulatorPk),
      };
      return { ...(await prove(input, req.circuit)), notes: [{ ...note, owner: payee, commitment }] };
    }
    case "range_transfer":
    case "discount": {
      // req.note: the prover's range note {billId, maturityDay, start, end, salt, index}; k of it moves
      const sk = BigInt(req.sk);
      const sender = z.publicKey(sk);
      const tree = new z.Tree(req.leaves);
      const n = rangeOf(req.note);
      const k = BigInt(req.k);
      const receiver = big(req.command === "discount" ? req.bankPk : req.receiverPk);
      // a discount's bank reads one seed, from which its range note's salt and the price's cash note's salt
      // derive (circuits/discount.circom)
      const bankSeed = req.command === "discount" ? z.random(z.subOrder) : null;
      const moved = { ...n, end: n.start + k - 1n, salt: bankSeed === null ? z.random(z.subOrder) : z.hash([bankSeed, 0n]) };
      const kept = { ...n, start: n.start + k, salt: z.random(z.subOrder) };
      const out = [
        { ...moved, owner: receiver, commitment: z.rangeNote(moved, receiver) },
        { ...kept, owner: sender, commitment: z.rangeNote(kept, sender) },
      ];
      const nullifier = z.nullifier(z.rangeNote(n, sender), sk);
      const encryptionNonce = z.random(TWO128);
      const input = {
        billId: n.billId, maturityDay: n.maturityDay, inStart: n.start, inEnd: n.end, inSalt: n.salt,
        ownerSk: sk, leafIndex: req.note.index, pathElements: tree.path(req.note.index),
        k, outSalt: [moved.salt, kept.salt], ecdhSk: z.recallKey(sk, nullifier, encryptionNonce),
        root: tree.root(), nullifier,
        outCommitments: out.map((o) => o.commitment), today: BigInt(req.today),
        encryptionNonce, regulatorPk: big(req.regulatorPk),
      };
      if (req.command === "range_transfer") {
        input.receiverPk = receiver;
        return { ...(await prove(input, req.circuit)), notes: out };
      }
      const rate = BigInt(req.rateMicro);
      const adjust = BigInt(req.adjustDays);
      const days = n.maturityDay - BigInt(req.today) + adjust;
      const D = 360n * 1000000n;
      const interest = (2n * k * rate * days + D) / (2n * D);
      const price = req.price === undefined ? k - interest : BigInt(req.price);
      const cashSalt = z.hash([bankSeed, 1n]);
      const cash = { value: price, owner: sender, salt: cashSalt, commitment: z.cashNote(price, sender, cashSalt) };
      Object.assign(input, {
        bankPk: receiver, rateMicro: rate, adjustDays: adjust, cashSalt, bankSeed, cashCommitment: cash.commitment,
      });
      // the holder's copy of the key that cancels the pending request: Poseidon of the ECDH point it shares with
      // the bank (the bank computes its own from the request's ecdhPk)
      const cancelKey = z.hash(z.ecdh(input.ecdhSk, receiver));
      return { ...(await prove(input, req.circuit)), notes: out, cash, cancelKey };
    }
    case "present": {
      // req.note: the holder's matured range note {billId, maturityDay, start, end, salt, index}; the proof fixes
      // the cash note of its amount the holder awaits, and tells the acceptor (req.acceptorPk) how to pay it
      const sk = BigInt(req.sk);
      const holder = z.publicKey(sk);
      const tree = new z.Tree(req.leaves);
      const n = rangeOf(req.note);
      const nullifier = z.nullifier(z.rangeNote(n, holder), sk);
      const encryptionNonce = z.random(TWO128);
      const amount = n.end - n.start + 1n;
      const paySalt = z.random(z.subOrder);
      const cash = { value: amount, owner: holder, salt: paySalt, commitment: z.cashNote(amount, holder, paySalt) };
      const input = {
        billId: n.billId, maturityDay: n.maturityDay, inStart: n.start, inEnd: n.end, inSalt: n.salt,
        ownerSk: sk, leafIndex: req.note.index, pathElements: tree.path(req.note.index),
        acceptorPk: big(req.acceptorPk), paySalt, ecdhSk: z.recallKey(sk, nullifier, encryptionNonce),
        root: tree.root(), nullifier, today: BigInt(req.today), cashCommitment: cash.commitment,
        encryptionNonce, regulatorPk: big(req.regulatorPk),
      };
      return { ...(await prove(input, req.circuit)), cash };
    }
    default:
      throw new Error(`unknown command ${req.command}`);
  }
}

const message = (err) => String(err && err.message ? err.message : err);

async function serve() {
  const z = await notes();
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    let answer;
    try {
      answer = { ok: await handle(JSON.parse(line), z) };
    } catch (err) {
      answer = { error: message(err) };
    }
    process.stdout.write(text(answer) + "\n");
  }
  process.exit(0);
}

async function once() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return handle(JSON.parse(Buffer.concat(chunks).toString("utf8")), await notes());
}

if (process.argv.includes("--serve")) {
  serve();
} else {
  once().then(
    (answer) => { process.stdout.write(text(answer)); process.exit(0); },
    (err) => { process.stderr.write(message(err)); process.exit(1); },
  );
}
