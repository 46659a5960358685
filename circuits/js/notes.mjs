// The JavaScript twin of circuits/lib: tags, note commitments, nullifiers, BabyJubJub keys, the
// append-only Poseidon tree and the Poseidon duplex cipher (GPL-3.0 with the circuits: circomlibjs).
import { buildBabyjub, buildPoseidon } from "circomlibjs";
import crypto from "node:crypto";

export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const TAG_CASH = 3n;
export const TAG_RANGE = 5n;
export const TAG_NULLIFIER = 16n;
export const TAG_RECALL = 17n;
export const TREE_DEPTH = 20;
const TWO128 = 2n ** 128n;

export async function notes() {
  const poseidon = await buildPoseidon();
  const babyJub = await buildBabyjub();
  const F = poseidon.F;
  const hash = (xs) => F.toObject(poseidon(xs.map(BigInt)));
  const hashEx = (xs, nOut) => poseidon(xs.map(BigInt), 0, nOut).map((e) => F.toObject(e));
  const random = (modulus) => BigInt("0x" + crypto.randomBytes(32).toString("hex")) % modulus;
  const publicKey = (sk) => {
    const p = babyJub.mulPointEscalar(babyJub.Base8, BigInt(sk));
    return [babyJub.F.toObject(p[0]), babyJub.F.toObject(p[1])];
  };
  const secretKey = () => random(babyJub.subOrder - 1n) + 1n;
  const ecdh = (sk, pk) => {
    const p = babyJub.mulPointEscalar([babyJub.F.e(BigInt(pk[0])), babyJub.F.e(BigInt(pk[1]))], BigInt(sk));
    return [babyJub.F.toObject(p[0]), babyJub.F.toObject(p[1])];
  };
  // y^2 = (1 - a x^2) / (1 - d x^2) on the twisted Edwards curve a x^2 + y^2 = 1 + d x^2 y^2
  const pointsAt = (x) => {
    const F = babyJub.F;
    const xx = F.square(F.e(x));
    const y2 = F.div(F.sub(F.one, F.mul(babyJub.A, xx)), F.sub(F.one, F.mul(babyJub.D, xx)));
    const y = F.sqrt(y2);
    if (y === null) return [];
    return [F.toObject(y), F.toObject(F.neg(y))];
  };
  const cashNote = (value, owner, salt) => hash([TAG_CASH, value, owner[0], owner[1], salt]);
  const rangeNote = (n, owner) =>
    hash([TAG_RANGE, n.billId, n.maturityDay, n.start, n.end, owner[0], owner[1], n.salt]);
  const nullifier = (commitment, sk) => hash([TAG_NULLIFIER, commitment, sk]);
  // a spend's ephemeral key, from the spender's key, the spend's (first) nullifier and the proof's encryption
  // nonce: new for every proof (the nonce is drawn afresh; a note freed by a cancelled discount is requested
  // again under another key, so the first request's revealed cancel key cancels nothing after it), unknown
  // without sk, and known again to the spender alone, who reads its own operation back from the chain (the
  // regulator's ciphertext: ECDH of this key with the pinned viewing key; nullifier and nonce are public)
  const recallKey = (sk, nullifierOfSpend, nonce) =>
    (hash([TAG_RECALL, nullifierOfSpend, sk, nonce]) % (babyJub.subOrder - 1n)) + 1n;
  // Zeto's (Dusk's) Poseidon duplex cipher: `length` is the plaintext's length before padding
  const decrypt = (cipher, key, nonce, length) => {
    let state = hashEx([0n, key[0], key[1], BigInt(nonce) + BigInt(length) * TWO128], 4);
    const blocks = (cipher.length - 1) / 3;
    const out = [];
    for (let i = 0; i < blocks; i++) {
      for (let j = 0; j < 3; j++) out.push((((BigInt(cipher[3 * i + j]) - state[j + 1]) % FIELD) + FIELD) % FIELD);
      state = hashEx([state[0], ...cipher.slice(3 * i, 3 * i + 3).map(BigInt)], 4);
    }
    if (BigInt(cipher[cipher.length - 1]) !== state[1]) throw new Error("the ciphertext's authentication tag does not match");
    return out.slice(0, length);
  };

  class Tree {
    // the append-only binary Poseidon(2) tree of contracts/confidential/PoseidonTree.sol
    constructor(leaves = []) {
      this.zeros = [0n];
      for (let i = 0; i < TREE_DEPTH; i++) this.zeros.push(hash([this.zeros[i], this.zeros[i]]));
      this.levels = Array.from({ length: TREE_DEPTH + 1 }, () => new Map());
      this.size = 0;
      for (const leaf of leaves) this.insert(BigInt(leaf));
    }
    node(level, i) { return this.levels[level].has(i) ? this.levels[level].get(i) : this.zeros[level]; }
    insert(leaf) {
      let idx = this.size++;
      this.levels[0].set(idx, leaf);
      for (let l = 0; l < TREE_DEPTH; l++) {
        const parent = idx >> 1;
        this.levels[l + 1].set(parent, hash([this.node(l, 2 * parent), this.node(l, 2 * parent + 1)]));
        idx = parent;
      }
    }
    root() { return this.node(TREE_DEPTH, 0); }
    path(idx) {
      const out = [];
      for (let l = 0; l < TREE_DEPTH; l++) { out.push(this.node(l, idx ^ 1)); idx >>= 1; }
      return out;
    }
  }
  return {
    hash, random, publicKey, secretKey, ecdh, pointsAt, cashNote, rangeNote, nullifier, recallKey, decrypt, Tree,
    subOrder: babyJub.subOrder,
  };
}
