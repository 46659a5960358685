// Not a Hardhat project: billchain compiles with chain/compile.py (solc 0.8.28, paris,
// optimizer 200 runs, via-IR) and writes a Hardhat-format build-info to
// artifacts/build-info. This file only tells tools that read the Hardhat layout
// (crytic-compile, hence slither) where things are.
module.exports = {
  solidity: {
    version: "0.8.28",
    settings: { evmVersion: "paris", viaIR: true, optimizer: { enabled: true, runs: 200 } },
  },
  paths: { sources: "./contracts", artifacts: "./artifacts" },
};
