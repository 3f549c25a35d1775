#!/usr/bin/env node
// Chorus ships as TypeScript and runs it through tsx's loader: no build step between a fresh
// clone and a running server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
