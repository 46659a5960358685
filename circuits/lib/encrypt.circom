pragma circom 2.1.6;
// Poseidon (duplex sponge) encryption, as in Hyperledger Labs Zeto
// (zkp/circuits/lib/encrypt.circom, Apache-2.0), itself after Dusk's
// "Encryption with Poseidon". Key = ECDH shared point, nonce < 2^128.
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

template SymmetricEncrypt(length) {
  signal input plainText[length];
  signal input key[2];
  signal input nonce;
  var two128 = 2 ** 128;
  var nonceBits[128] = Num2Bits(128)(nonce);        // nonce < 2^128, so nonce + length * 2^128 is one-to-one
  var l = length;
  if (l % 3 != 0) { l += (3 - (l % 3)); }
  var messages[l];
  for (var i = 0; i < l; i++) { if (i < length) { messages[i] = plainText[i]; } else { messages[i] = 0; } }
  signal output cipherText[l + 1];
  var n = l \ 3;
  var rr[n + 1][4];
  rr[0] = PoseidonEx(4, 4)(initialState <== 0, inputs <== [0, key[0], key[1], nonce + (length * two128)]);
  for (var i = 0; i < n; i++) {
    cipherText[i * 3] <== rr[i][1] + messages[i * 3];
    cipherText[i * 3 + 1] <== rr[i][2] + messages[i * 3 + 1];
    cipherText[i * 3 + 2] <== rr[i][3] + messages[i * 3 + 2];
    rr[i + 1] = PoseidonEx(4, 4)(initialState <== 0, inputs <== [rr[i][0], cipherText[i * 3], cipherText[i * 3 + 1], cipherText[i * 3 + 2]]);
  }
  cipherText[l] <== rr[n][1];
}
