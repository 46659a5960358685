pragma circom 2.1.6;
// A confidential mint's note (docs/PRIVACY.md, slice 1a, as built): a cash note of the public `value`
// to an owner the chain does not learn; the owner can open it (cipherOwner: salt, the owner's x), and
// the viewing key too (cipherRegulator: owner, salt). Checked by the contract, not here: the minter
// is an ACTIVE BANK within its mint limit, regulatorPk is the pinned viewing key. The value is public:
// a limit on hidden amounts needs the allowance notes of §3.5, not built.
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "./lib/cash.circom";
include "./lib/ecdh.circom";
include "./lib/encrypt.circom";

template CashMint(nBits) {
  signal input ownerPk[2]; signal input salt; signal input ecdhSk;
  // public inputs
  signal input value; signal input commitment; signal input encryptionNonce; signal input regulatorPk[2];
  // public outputs
  signal output ecdhPk[2];
  signal output cipherOwner[4];        // [salt, owner.x] + pad + tag
  signal output cipherRegulator[4];    // [owner.x, owner.y, salt] + tag

  var bits[nBits] = Num2Bits(nBits)(value);
  var c = CashNote()(value <== value, owner <== ownerPk, salt <== salt);
  commitment === c;
  (ecdhPk[0], ecdhPk[1]) <== BabyPbk()(in <== ecdhSk);
  var sharedO[2] = Ecdh()(privKey <== ecdhSk, pubKey <== ownerPk);
  var sharedG[2] = Ecdh()(privKey <== ecdhSk, pubKey <== regulatorPk);
  cipherOwner <== SymmetricEncrypt(2)(plainText <== [salt, ownerPk[0]], key <== sharedO, nonce <== encryptionNonce);
  cipherRegulator <== SymmetricEncrypt(3)(plainText <== [ownerPk[0], ownerPk[1], salt], key <== sharedG, nonce <== encryptionNonce);
}

// 5 public inputs + 10 public outputs = 15 public signals
component main { public [ value, commitment, encryptionNonce, regulatorPk ] } = CashMint(48);
