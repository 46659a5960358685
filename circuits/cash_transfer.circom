pragma circom 2.1.6;
// A confidential cash transfer (docs/PRIVACY.md §3.5, `cash_transfer`): two of the prover's notes in,
// two out. A nullifier of 0 leaves the second input slot unused (its value must then be 0).
//   out[0]: the payment, to the receiver; out[1]: the change, to the sender (a note of value 0 when
//   there is none: it looks like any other note).
// Proven: each used input is a note in the tree under `root`, owned by the prover (BabyPbk(sk) is its
// owner key), with the public nullifier; values conserve; outputs are 48-bit, so nothing wraps around
// the field; the receiver can open its note (cipherReceiver: value, salt, the sender's key), and the
// viewing key can open everything (cipherRegulator). Checked by the contract, not here: the root is
// one the tree had, the nullifiers are unspent and distinct, regulatorPk is the pinned viewing key.
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/cash.circom";
include "./lib/merkle.circom";
include "./lib/ecdh.circom";
include "./lib/encrypt.circom";

template CashTransfer(depth, nBits) {
  signal input inValues[2]; signal input inSalts[2]; signal input ownerSk;
  signal input leafIndex[2]; signal input pathElements[2][depth];
  signal input outValues[2]; signal input receiverPk[2]; signal input outSalts[2]; signal input ecdhSk;
  // public inputs
  signal input root; signal input nullifiers[2]; signal input outCommitments[2];
  signal input encryptionNonce; signal input regulatorPk[2];
  // public outputs
  signal output ecdhPk[2];
  signal output cipherReceiver[4];     // [value, salt, sender.x] + tag
  signal output cipherRegulator[10];   // [inC0, inC1, v0, sender.x, sender.y, receiver.x, receiver.y, salt0, salt1] + tag

  var sender[2] = NoteKey()(sk <== ownerSk);
  signal inC[2];
  for (var i = 0; i < 2; i++) {
    var bIn[nBits] = Num2Bits(nBits)(inValues[i]);
    inC[i] <== CashNote()(value <== inValues[i], owner <== sender, salt <== inSalts[i]);
    var r = MerkleRoot(depth)(leaf <== inC[i], leafIndex <== leafIndex[i], pathElements <== pathElements[i]);
    var off = IsZero()(nullifiers[i]);
    (1 - off) * (root - r) === 0;
    off * inValues[i] === 0;
    var nf = Nullifier()(commitment <== inC[i], ownerSk <== ownerSk);
    (1 - off) * (nullifiers[i] - nf) === 0;
  }
  var first = IsZero()(nullifiers[0]);
  first === 0;                                      // the first slot is always spent
  for (var i = 0; i < 2; i++) { var bOut[nBits] = Num2Bits(nBits)(outValues[i]); }
  inValues[0] + inValues[1] === outValues[0] + outValues[1];
  var c0 = CashNote()(value <== outValues[0], owner <== receiverPk, salt <== outSalts[0]);
  outCommitments[0] === c0;
  var c1 = CashNote()(value <== outValues[1], owner <== sender, salt <== outSalts[1]);
  outCommitments[1] === c1;

  (ecdhPk[0], ecdhPk[1]) <== BabyPbk()(in <== ecdhSk);
  var sharedR[2] = Ecdh()(privKey <== ecdhSk, pubKey <== receiverPk);
  var sharedG[2] = Ecdh()(privKey <== ecdhSk, pubKey <== regulatorPk);
  cipherReceiver <== SymmetricEncrypt(3)(
    plainText <== [outValues[0], outSalts[0], sender[0]], key <== sharedR, nonce <== encryptionNonce);
  cipherRegulator <== SymmetricEncrypt(9)(
    plainText <== [inC[0], inC[1], outValues[0], sender[0], sender[1], receiverPk[0], receiverPk[1], outSalts[0], outSalts[1]],
    key <== sharedG, nonce <== encryptionNonce);
}

// 8 public inputs + 16 public outputs = 24 public signals
component main { public [ root, nullifiers, outCommitments, encryptionNonce, regulatorPk ] } = CashTransfer(20, 48);
