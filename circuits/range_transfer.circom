pragma circom 2.1.6;
// Endorse with a split (docs/PRIVACY.md §3.5, `range_transfer`): one range note of the prover's in, k of
// it to the receiver, the rest back. Proven: the note is in the tree and the prover's, the split
// conserves the range (the outputs partition it), today < maturity. The receiver can open its note
// (cipherReceiver: the packed range, salt, the sender's x), the viewing key everything. Checked by the
// contract: the root is known, the nullifier unspent and unlocked, today is the block's day, regulatorPk
// is the pinned viewing key.
include "circomlib/circuits/babyjub.circom";
include "./lib/range.circom";
include "./lib/ecdh.circom";
include "./lib/encrypt.circom";

template RangeTransfer(depth, nBits) {
  signal input billId; signal input maturityDay; signal input inStart; signal input inEnd; signal input inSalt;
  signal input ownerSk; signal input leafIndex; signal input pathElements[depth];
  signal input k; signal input receiverPk[2]; signal input outSalt[2]; signal input ecdhSk;
  // public inputs
  signal input root; signal input nullifier; signal input outCommitments[2]; signal input today;
  signal input encryptionNonce; signal input regulatorPk[2];
  // public outputs
  signal output ecdhPk[2];
  signal output cipherReceiver[4];     // [packed(billId, maturity, start, end'), salt', sender.x] + tag
  signal output cipherRegulator[10];   // [packed input, k, inSalt, sender, receiver, salts] + tag

  component s = RangeSplit(depth, nBits);
  s.billId <== billId; s.maturityDay <== maturityDay; s.inStart <== inStart; s.inEnd <== inEnd; s.inSalt <== inSalt;
  s.ownerSk <== ownerSk; s.leafIndex <== leafIndex; s.pathElements <== pathElements;
  s.k <== k; s.receiverPk <== receiverPk; s.outSalt <== outSalt;
  s.root <== root; s.nullifier <== nullifier; s.outCommitments <== outCommitments; s.today <== today;

  (ecdhPk[0], ecdhPk[1]) <== BabyPbk()(in <== ecdhSk);
  var sharedR[2] = Ecdh()(privKey <== ecdhSk, pubKey <== receiverPk);
  var sharedG[2] = Ecdh()(privKey <== ecdhSk, pubKey <== regulatorPk);
  cipherReceiver <== SymmetricEncrypt(3)(
    plainText <== [packRange(billId, maturityDay, inStart, s.out1End), outSalt[0], s.senderPk[0]],
    key <== sharedR, nonce <== encryptionNonce);
  cipherRegulator <== SymmetricEncrypt(9)(
    plainText <== [packRange(billId, maturityDay, inStart, inEnd), k, inSalt, s.senderPk[0], s.senderPk[1],
                   receiverPk[0], receiverPk[1], outSalt[0], outSalt[1]],
    key <== sharedG, nonce <== encryptionNonce);
}

// 8 public inputs + 16 public outputs = 24 public signals
component main { public [ root, nullifier, outCommitments, today, encryptionNonce, regulatorPk ] } = RangeTransfer(20, 48);
