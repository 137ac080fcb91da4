#!/usr/bin/env node
// Entry point for `npx paperboy`; the TypeScript sources are built to dist/ on install.
import '../dist/src/cli/main.js';
