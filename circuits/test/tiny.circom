pragma circom 2.1.6;
// The ceremony's own test circuit: knowledge of x, y with x * y = z.
template Tiny() {
  signal input x; signal input y; signal output z;
  z <== x * y;
}
component main = Tiny();
