pragma circom 2.1.6;
// ECDH on BabyJubJub (as Zeto zkp/circuits/lib/ecdh.circom): shared = privKey * pubKey
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/escalarmulany.circom";
template Ecdh() {
  signal input privKey;
  signal input pubKey[2];
  signal output sharedKey[2];
  var bits[253] = Num2Bits(253)(in <== privKey);
  sharedKey <== EscalarMulAny(253)(p <== pubKey, e <== bits);
}

