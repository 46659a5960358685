pragma circom 2.1.6;
// Binary (append-only, incremental) Merkle tree of Poseidon(2); the leaf's index bits are the path.
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
template MerkleRoot(depth) {
  signal input leaf;
  signal input leafIndex;
  signal input pathElements[depth];
  signal output root;
  var bits[depth] = Num2Bits(depth)(in <== leafIndex);
  signal cur[depth + 1];
  signal left[depth];
  signal right[depth];
  cur[0] <== leaf;
  for (var i = 0; i < depth; i++) {
    left[i] <== cur[i] + bits[i] * (pathElements[i] - cur[i]);
    right[i] <== pathElements[i] + cur[i] - left[i];
    cur[i + 1] <== Poseidon(2)([left[i], right[i]]);
  }
  root <== cur[depth];
}
