import { describe, expect, it } from 'vitest';
import { pgStore } from '../helpers/postgres.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('postgres', () => pgStore());
