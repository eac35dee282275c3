#!/usr/bin/env node
// The `stox` command: built from bridge/src/cli (npm install runs the build).
import { main } from "../dist/bridge/src/cli/stox.js";
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
