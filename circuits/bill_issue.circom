pragma circom 2.1.6;
// A bill's first range note (slice 1b as built: issue, accept and receive in one act of the acceptor):
// the whole range 1..amount of a bill maturing 1 to 184 days after today, to a payee the chain does
// not learn. The bill's id names its acceptor: billId = acceptor * 2^32 + serial, so every range of the
// bill says whose paper it is to whoever opens it (no bank can issue a look-alike of another's bill).
// Proven: the terms are within DOMAIN.md's bounds and the note holds them; the payee can open it
// (cipherPayee), the viewing key too. Checked by the contract: the issuer is an ACTIVE BANK (it accepts:
// it is the one liable) whose member code is `acceptor`, today is the block's day, regulatorPk the
// pinned viewing key.
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/range.circom";
include "./lib/ecdh.circom";
include "./lib/encrypt.circom";

template BillIssue() {
  signal input billId; signal input maturityDay; signal input amount; signal input payeePk[2];
  signal input salt; signal input ecdhSk;
  // public inputs
  signal input commitment; signal input today; signal input acceptor; signal input encryptionNonce;
  signal input regulatorPk[2];
  // public outputs
  signal output ecdhPk[2];
  signal output cipherPayee[4];        // [packed(billId, maturity, 1, amount), salt] + pad + tag
  signal output cipherRegulator[4];    // [packed, payee.x, salt] + tag (x names the payee in the directory)

  var bAcceptor[32] = Num2Bits(32)(acceptor);
  signal serial <-- billId % 4294967296;
  var bSerial[32] = Num2Bits(32)(serial);
  billId === acceptor * 4294967296 + serial;
  var bMat[32] = Num2Bits(32)(maturityDay);
  var bToday[32] = Num2Bits(32)(today);
  var bAmount[37] = Num2Bits(37)(amount);           // < 2^37 > 10^11, DOMAIN.md's largest bill
  var positive = GreaterEqThan(37)([amount, 1]);
  positive === 1;
  var notAbove = LessEqThan(37)([amount, 100000000000]);
  notAbove === 1;
  var after = LessThan(32)([today, maturityDay]);
  after === 1;
  var tenor = LessEqThan(32)([maturityDay, today + 184]);
  tenor === 1;
  var c = RangeNote()(billId <== billId, maturityDay <== maturityDay, start <== 1, end <== amount, owner <== payeePk, salt <== salt);
  commitment === c;

  (ecdhPk[0], ecdhPk[1]) <== BabyPbk()(in <== ecdhSk);
  var sharedP[2] = Ecdh()(privKey <== ecdhSk, pubKey <== payeePk);
  var sharedG[2] = Ecdh()(privKey <== ecdhSk, pubKey <== regulatorPk);
  cipherPayee <== SymmetricEncrypt(2)(plainText <== [packRange(billId, maturityDay, 1, amount), salt],
                                      key <== sharedP, nonce <== encryptionNonce);
  cipherRegulator <== SymmetricEncrypt(3)(plainText <== [packRange(billId, maturityDay, 1, amount), payeePk[0], salt],
                                          key <== sharedG, nonce <== encryptionNonce);
}

// 6 public inputs + 10 public outputs = 16 public signals
component main { public [ commitment, today, acceptor, encryptionNonce, regulatorPk ] } = BillIssue();
