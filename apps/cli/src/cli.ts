#!/usr/bin/env node
// Source entry point for development (`npm start`, tests): node --conditions=@weir/source --import tsx apps/cli/src/cli.ts …
import { main } from './main.js';

process.exitCode = await main();
