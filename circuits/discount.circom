pragma circom 2.1.6;
// A discount request (docs/PRIVACY.md §3.5, `discount`): range_transfer's split to a bank, plus the price
// DOMAIN.md fixes: interest = round_half_up(k * rate * days / 360), days = maturity - today + adjust
// (0..3), price = k - interest, bound into the commitment of the cash note the bank's payment must make
// for the holder (cashCommitment). The bank learns the range, the terms and how to pay (cipherBank: the
// range and terms packed, a seed from which its range note's salt and the cash note's salt derive, the
// holder's x, whose y is the one of the two that makes cashCommitment); the viewing key everything, with
// the same packing and seed. Either party may cancel the pending request (the holder's revoke, the bank's
// reject) by revealing cancelKey = Poseidon(sharedB): the holder's and the bank's shared ECDH point, which
// the two of them alone can compute (not the regulator, which reads everything but holds no power to cancel);
// the proof publishes cancelTag = Poseidon(cancelKey, 0) for the contract to check it against. Both ciphertexts are
// packed so that the proof's 26 public signals verify under 400,000 gas. The contract locks the range until
// the bank's cash proof makes exactly that note (delivery versus payment), or the request is cancelled
// (revoked or rejected).
include "circomlib/circuits/babyjub.circom";
include "./lib/range.circom";
include "./lib/ecdh.circom";
include "./lib/encrypt.circom";

template Discount(depth, nBits) {
  signal input billId; signal input maturityDay; signal input inStart; signal input inEnd; signal input inSalt;
  signal input ownerSk; signal input leafIndex; signal input pathElements[depth];
  signal input k; signal input bankPk[2]; signal input outSalt[2]; signal input ecdhSk;
  signal input rateMicro; signal input adjustDays; signal input cashSalt; signal input bankSeed;
  // public inputs
  signal input root; signal input nullifier; signal input outCommitments[2]; signal input today;
  signal input cashCommitment; signal input encryptionNonce; signal input regulatorPk[2];
  // public outputs
  signal output ecdhPk[2];
  signal output cipherBank[4];         // [packed range + terms * 2^192, bankSeed, holder.x] + tag
  signal output cipherRegulator[10];   // [packed input + terms * 2^192, k, inSalt, holder, bank, bankSeed, salt''] + tag
  signal output cancelTag;

  component s = RangeSplit(depth, nBits);
  s.billId <== billId; s.maturityDay <== maturityDay; s.inStart <== inStart; s.inEnd <== inEnd; s.inSalt <== inSalt;
  s.ownerSk <== ownerSk; s.leafIndex <== leafIndex; s.pathElements <== pathElements;
  s.k <== k; s.receiverPk <== bankPk; s.outSalt <== outSalt;
  s.root <== root; s.nullifier <== nullifier; s.outCommitments <== outCommitments; s.today <== today;

  var bAdj[2] = Num2Bits(2)(adjustDays);
  signal days <== maturityDay - today + adjustDays;
  component p = DiscountPrice(nBits);
  p.k <== k; p.rateMicro <== rateMicro; p.days <== days;
  var cc = CashNote()(value <== p.price, owner <== s.senderPk, salt <== cashSalt);
  cashCommitment === cc;

  (ecdhPk[0], ecdhPk[1]) <== BabyPbk()(in <== ecdhSk);
  var sharedB[2] = Ecdh()(privKey <== ecdhSk, pubKey <== bankPk);
  var sharedG[2] = Ecdh()(privKey <== ecdhSk, pubKey <== regulatorPk);
  signal terms <== rateMicro * 4 + adjustDays;
  // the salts the bank reads derive from its seed (rateMicro < 2^20 and packRange < 2^192: one packing)
  var bankSalt = Poseidon(2)([bankSeed, 0]);
  outSalt[0] === bankSalt;
  var priceSalt = Poseidon(2)([bankSeed, 1]);
  cashSalt === priceSalt;
  cipherBank <== SymmetricEncrypt(3)(
    plainText <== [packRange(billId, maturityDay, inStart, s.out1End) + terms * 2 ** 192, bankSeed, s.senderPk[0]],
    key <== sharedB, nonce <== encryptionNonce);
  cipherRegulator <== SymmetricEncrypt(9)(
    plainText <== [packRange(billId, maturityDay, inStart, inEnd) + terms * 2 ** 192, k, inSalt, s.senderPk[0],
                   s.senderPk[1], bankPk[0], bankPk[1], bankSeed, outSalt[1]],
    key <== sharedG, nonce <== encryptionNonce);
  var cancelKey = Poseidon(2)(sharedB);
  cancelTag <== Poseidon(2)([cancelKey, 0]);
}

// 9 public inputs + 17 public outputs = 26 public signals
component main { public [ root, nullifier, outCommitments, today, cashCommitment, encryptionNonce, regulatorPk ] } = Discount(20, 48);
