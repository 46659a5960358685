pragma circom 2.1.6;
// Cash notes and their nullifiers (docs/PRIVACY.md §3.3). Every hash starts with a type tag, so a
// note of one kind can never be read as another (the tags are mirrored in js/notes.mjs).
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/compconstant.circom";
include "circomlib/circuits/poseidon.circom";

function TAG_CASH() { return 3; }
function TAG_NULLIFIER() { return 16; }

// commitment = Poseidon(TAG_CASH, value, owner.x, owner.y, salt)
template CashNote() {
  signal input value; signal input owner[2]; signal input salt;
  signal output out;
  out <== Poseidon(5)([TAG_CASH(), value, owner[0], owner[1], salt]);
}

// nullifier = Poseidon(TAG_NULLIFIER, commitment, ownerSk): one per note, known only to its owner
template Nullifier() {
  signal input commitment; signal input ownerSk;
  signal output out;
  out <== Poseidon(3)([TAG_NULLIFIER(), commitment, ownerSk]);
}

// A note key: sk below the BabyJubJub subgroup's order, and its public key. Without the bound, sk and
// sk + order name the same public key and give two nullifiers for one note: a double spend.
template NoteKey() {
  signal input sk;
  signal output pk[2];
  var bits[254] = Num2Bits(254)(sk);
  var above = CompConstant(2736030358979909402780800718157159386076813972158567259200215660948447373040)(bits);
  above === 0;
  (pk[0], pk[1]) <== BabyPbk()(in <== sk);
}
