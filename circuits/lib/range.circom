pragma circom 2.1.6;
// Range notes: a holder's part of a bill (docs/PRIVACY.md §3.3, slice 1b as built). A range note is
//   Poseidon(TAG_RANGE, billId, maturityDay, start, end, owner.x, owner.y, salt)
// and is spent, like a cash note, by its nullifier. A range with end < start is empty: worth nothing,
// and never spendable (RangeSplit requires start <= end); it is the remainder of a whole-range move,
// so that every move makes two notes alike.
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "./cash.circom";
include "./merkle.circom";

function TAG_RANGE() { return 5; }

template RangeNote() {
  signal input billId; signal input maturityDay; signal input start; signal input end;
  signal input owner[2]; signal input salt;
  signal output out;
  out <== Poseidon(8)([TAG_RANGE(), billId, maturityDay, start, end, owner[0], owner[1], salt]);
}

// Spend one range note of the prover's and split it at k: out[0] = start..start+k-1 to the receiver,
// out[1] = start+k..end back to the sender (empty when k is the whole range). today < maturityDay.
template RangeSplit(depth, nBits) {
  signal input billId; signal input maturityDay; signal input inStart; signal input inEnd; signal input inSalt;
  signal input ownerSk; signal input leafIndex; signal input pathElements[depth];
  signal input k; signal input receiverPk[2]; signal input outSalt[2];
  signal input root; signal input nullifier; signal input outCommitments[2]; signal input today;
  signal output senderPk[2]; signal output inC; signal output out1End;

  senderPk <== NoteKey()(sk <== ownerSk);
  inC <== RangeNote()(billId <== billId, maturityDay <== maturityDay, start <== inStart, end <== inEnd, owner <== senderPk, salt <== inSalt);
  var r = MerkleRoot(depth)(leaf <== inC, leafIndex <== leafIndex, pathElements <== pathElements);
  root === r;
  var nf = Nullifier()(commitment <== inC, ownerSk <== ownerSk);
  nullifier === nf;

  var bBill[64] = Num2Bits(64)(billId);
  var bMat[32] = Num2Bits(32)(maturityDay);
  var bToday[32] = Num2Bits(32)(today);
  var bStart[nBits] = Num2Bits(nBits)(inStart);
  var bEnd[nBits] = Num2Bits(nBits)(inEnd);
  var bK[nBits] = Num2Bits(nBits)(k);
  var beforeMaturity = LessThan(32)([today, maturityDay]);
  beforeMaturity === 1;
  var startGe1 = GreaterEqThan(nBits)([inStart, 1]);
  startGe1 === 1;
  var endGeStart = GreaterEqThan(nBits)([inEnd, inStart]);
  endGeStart === 1;
  signal amount <== inEnd - inStart + 1;
  var kGe1 = GreaterEqThan(nBits)([k, 1]);
  kGe1 === 1;
  var kLeAmount = LessEqThan(nBits)([k, amount]);
  kLeAmount === 1;

  out1End <== inStart + k - 1;
  var c0 = RangeNote()(billId <== billId, maturityDay <== maturityDay, start <== inStart, end <== out1End, owner <== receiverPk, salt <== outSalt[0]);
  outCommitments[0] === c0;
  var c1 = RangeNote()(billId <== billId, maturityDay <== maturityDay, start <== out1End + 1, end <== inEnd, owner <== senderPk, salt <== outSalt[1]);
  outCommitments[1] === c1;
}

// billId (64 bits) | maturityDay (32) | start (48) | end (48) in one field element (192 bits)
function packRange(billId, maturityDay, start, end) {
  var t48 = 2 ** 48;
  return ((billId * 2 ** 32 + maturityDay) * t48 + start) * t48 + end;
}

// Discount price, DOMAIN.md: interest = round_half_up(k * rate * days / 360), rate in millionths,
// price = k - interest.  2*k*rate*days + D = interest * 2D + rem, 0 <= rem < 2D, D = 360 * 10^6.
template DiscountPrice(nBits) {
  signal input k; signal input rateMicro; signal input days;
  signal output interest; signal output price;
  var D = 360 * 1000000;
  var bRate[20] = Num2Bits(20)(rateMicro);
  var rateLt = LessThan(20)([rateMicro, 1000000]);
  rateLt === 1;
  var bDays[9] = Num2Bits(9)(days);
  signal kr <== k * rateMicro;
  signal num <== kr * days;                      // < 2^48 * 2^20 * 2^9: no wrap-around
  interest <-- (2 * num + D) \ (2 * D);
  signal rem <== 2 * num + D - interest * 2 * D;
  var bI[nBits] = Num2Bits(nBits)(interest);
  var bRem[30] = Num2Bits(30)(rem);
  var remLt = LessThan(30)([rem, 2 * D]);
  remLt === 1;
  var iLe = LessEqThan(nBits)([interest, k]);
  iLe === 1;
  price <== k - interest;
}
