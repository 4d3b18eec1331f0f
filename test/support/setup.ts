/** Runs in every test file (vitest setupFiles): no process a test launched outlives its file. */
import { afterAll } from 'vitest';
import { stopLaunched } from './process.js';

afterAll(stopLaunched);
