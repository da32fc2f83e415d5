// Fresh accounts for each test, so tests never see each other's messages.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { registerAccount } from './prosody.mjs';

export interface TestAccount {
  jid: string;
  user: string;
  password: string;
}

let counter = 0;

/** Registers `count` new accounts on the tier's Prosody. */
export async function createAccounts(count: number, prefix = 'user'): Promise<TestAccount[]> {
  const xmpp = inject('xmpp');
  const accounts = Array.from({ length: count }, () => {
    counter += 1;
    const user = `${prefix}${counter}-${randomBytes(3).toString('hex')}`;
    return { user, jid: `${user}@${xmpp.domain}`, password: randomBytes(9).toString('base64url') };
  });
  await Promise.all(accounts.map((a) => registerAccount(xmpp.configPath, a.user, xmpp.domain, a.password)));
  return accounts;
}
