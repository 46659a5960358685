// The creation code of circomlibjs's Poseidon(2) contract (its `poseidon(uint256[2])`), on stdout.
import { poseidonContract } from "circomlibjs";
process.stdout.write(poseidonContract.createCode(2));
