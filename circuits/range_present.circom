pragma circom 2.1.6;
// Present a range at maturity (docs/PRIVACY.md §3.5 `range_present`, slice 1b as built): the holder's range
// note is in the tree and the holder's, and today >= its maturity; the payment it awaits is a cash note of the
// range's amount (end - start + 1 fen) to the holder (cashCommitment). The acceptor learns the range and how to
// pay (cipherAcceptor: the packed range, the payment's salt, the holder's x); the viewing key everything.
// Checked by the contract: the root is known, the nullifier unspent and unlocked, today is the block's day,
// regulatorPk is the pinned viewing key; the note stays locked until the payment that makes cashCommitment.
// Not proven (no member tree yet): that acceptorPk is the bill's acceptor's; a holder that tells another key
// only waits longer for its own payment.
include "circomlib/circuits/babyjub.circom";
include "./lib/range.circom";
include "./lib/ecdh.circom";
include "./lib/encrypt.circom";

template RangePresent(depth, nBits) {
  signal input billId; signal input maturityDay; signal input inStart; signal input inEnd; signal input inSalt;
  signal input ownerSk; signal input leafIndex; signal input pathElements[depth];
  signal input acceptorPk[2]; signal input paySalt; signal input ecdhSk;
  // public inputs
  signal input root; signal input nullifier; signal input today; signal input cashCommitment;
  signal input encryptionNonce; signal input regulatorPk[2];
  // public outputs
  signal output ecdhPk[2];
  signal output cipherAcceptor[4];     // [packed range, paySalt, holder.x] + tag
  signal output cipherRegulator[7];    // [packed range, inSalt, holder.x, holder.y, paySalt, acceptor.x] + tag

  var holderPk[2] = NoteKey()(sk <== ownerSk);
  var inC = RangeNote()(billId <== billId, maturityDay <== maturityDay, start <== inStart, end <== inEnd, owner <== holderPk, salt <== inSalt);
  var r = MerkleRoot(depth)(leaf <== inC, leafIndex <== leafIndex, pathElements <== pathElements);
  root === r;
  var nf = Nullifier()(commitment <== inC, ownerSk <== ownerSk);
  nullifier === nf;

  var bBill[64] = Num2Bits(64)(billId);
  var bMat[32] = Num2Bits(32)(maturityDay);
  var bToday[32] = Num2Bits(32)(today);
  var bStart[nBits] = Num2Bits(nBits)(inStart);
  var bEnd[nBits] = Num2Bits(nBits)(inEnd);
  var matured = GreaterEqThan(32)([today, maturityDay]);
  matured === 1;
  var startGe1 = GreaterEqThan(nBits)([inStart, 1]);
  startGe1 === 1;
  var endGeStart = GreaterEqThan(nBits)([inEnd, inStart]);
  endGeStart === 1;
  var cc = CashNote()(value <== inEnd - inStart + 1, owner <== holderPk, salt <== paySalt);
  cashCommitment === cc;

  (ecdhPk[0], ecdhPk[1]) <== BabyPbk()(in <== ecdhSk);
  var sharedA[2] = Ecdh()(privKey <== ecdhSk, pubKey <== acceptorPk);
  var sharedG[2] = Ecdh()(privKey <== ecdhSk, pubKey <== regulatorPk);
  signal packed <== packRange(billId, maturityDay, inStart, inEnd);
  cipherAcceptor <== SymmetricEncrypt(3)(plainText <== [packed, paySalt, holderPk[0]], key <== sharedA, nonce <== encryptionNonce);
  cipherRegulator <== SymmetricEncrypt(6)(
    plainText <== [packed, inSalt, holderPk[0], holderPk[1], paySalt, acceptorPk[0]],
    key <== sharedG, nonce <== encryptionNonce);
}

// 7 public inputs + 13 public outputs = 20 public signals
component main { public [ root, nullifier, today, cashCommitment, encryptionNonce, regulatorPk ] } = RangePresent(20, 48);
