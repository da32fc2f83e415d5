// SCRAM on WebCrypto: the RFC 5802 (SHA-1) and RFC 7677 (SHA-256) examples, a server that cannot
// prove it knows the password, and the salted-password cache.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoginKey, LoginKeyStorage } from '../types.js';
import { SaltedPasswords, ScramClient } from './scram.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** RFC 5802 §5, user "user", password "pencil". */
const RFC5802 = {
  nonce: 'fyko+d2lbbFgONRv9qkxdawL',
  clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};

/** RFC 7677 §3, user "user", password "pencil". */
const RFC7677 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,' +
    'p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('SCRAM on WebCrypto', () => {
  it('computes the RFC 5802 example (SCRAM-SHA-1) and accepts its server signature', async () => {
    const scram = new ScramClient('SCRAM-SHA-1', new SaltedPasswords(), RFC5802.nonce);
    expect(scram.first('user')).toBe(RFC5802.clientFirst);
    expect(await scram.final(RFC5802.serverFirst, async () => 'pencil')).toBe(RFC5802.clientFinal);
    expect(() => scram.verify(RFC5802.serverFinal)).not.toThrow();
  });

  it('computes the RFC 7677 example (SCRAM-SHA-256) and accepts its server signature', async () => {
    const scram = new ScramClient('SCRAM-SHA-256', new SaltedPasswords(), RFC7677.nonce);
    expect(scram.first('user')).toBe(RFC7677.clientFirst);
    expect(await scram.final(RFC7677.serverFirst, async () => 'pencil')).toBe(RFC7677.clientFinal);
    expect(() => scram.verify(RFC7677.serverFinal)).not.toThrow();
  });

  it('refuses a server signature that is wrong, missing, or given before the proof', async () => {
    const scram = new ScramClient('SCRAM-SHA-1', new SaltedPasswords(), RFC5802.nonce);
    const serverSignature = { code: 'auth-failed', condition: 'server-signature' };
    expect(() => scram.verify(RFC5802.serverFinal)).toThrow(expect.objectContaining(serverSignature));
    scram.first('user');
    await scram.final(RFC5802.serverFirst, async () => 'pencil');
    // One bit off in the last byte, a signature for another exchange, and none at all.
    expect(() => scram.verify('v=rmF9pqV8S7suAoZWja4dJRkFsKU=')).toThrow(
      expect.objectContaining(serverSignature),
    );
    expect(() => scram.verify(RFC7677.serverFinal)).toThrow(expect.objectContaining(serverSignature));
    expect(() => scram.verify('v=')).toThrow(expect.objectContaining(serverSignature));
    expect(() => scram.verify('e=invalid-proof')).toThrow(
      expect.objectContaining({ code: 'auth-failed', condition: 'invalid-proof' }),
    );
  });

  it('refuses a challenge that does not answer its nonce, or is malformed', async () => {
    const answer = async (serverFirst: string): Promise<string> => {
      const scram = new ScramClient('SCRAM-SHA-1', new SaltedPasswords(), RFC5802.nonce);
      scram.first('user');
      return scram.final(serverFirst, async () => 'pencil');
    };
    await expect(answer('r=someone-else,s=QSXCR+Q6sek8bf92,i=4096')).rejects.toMatchObject({
      code: 'auth-failed',
      condition: 'nonce',
    });
    await expect(answer(`r=${RFC5802.nonce},s=QSXCR+Q6sek8bf92,i=4096`)).rejects.toMatchObject({
      condition: 'nonce',
    });
    for (const malformed of [
      `r=${RFC5802.nonce}x,s=QSXCR+Q6sek8bf92,i=0`,
      `r=${RFC5802.nonce}x,s=QSXCR+Q6sek8bf92`,
      `r=${RFC5802.nonce}x,i=4096`,
      `m=ext,r=${RFC5802.nonce}x,s=QSXCR+Q6sek8bf92,i=4096`,
      'nonsense',
    ]) {
      await expect(answer(malformed)).rejects.toMatchObject({ condition: 'malformed-challenge' });
    }
  });

  it('escapes "," and "=" in the username and makes a fresh nonce for every exchange', () => {
    expect(new ScramClient('SCRAM-SHA-1', new SaltedPasswords(), 'abc').first('a,b=c')).toBe(
      'n,,n=a=2Cb=3Dc,r=abc',
    );
    const first = new ScramClient('SCRAM-SHA-256').first('user');
    const second = new ScramClient('SCRAM-SHA-256').first('user');
    expect(first).toMatch(/^n,,n=user,r=[A-Za-z0-9+/]{24}$/);
    expect(second).not.toBe(first);
  });
});

describe('the salted-password cache', () => {
  it('derives once per salt and iteration count, after the server proved itself', async () => {
    const derive = vi.spyOn(globalThis.crypto.subtle, 'deriveBits');
    const saltedPasswords = new SaltedPasswords();
    const login = async (serverFirst = RFC5802.serverFirst, serverFinal = RFC5802.serverFinal) => {
      const scram = new ScramClient('SCRAM-SHA-1', saltedPasswords, RFC5802.nonce);
      scram.first('user');
      const final = await scram.final(serverFirst, async () => 'pencil');
      scram.verify(serverFinal);
      return final;
    };

    // A server that does not prove itself leaves nothing in the cache.
    await expect(login(RFC5802.serverFirst, 'v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).rejects.toMatchObject({
      condition: 'server-signature',
    });
    expect(derive).toHaveBeenCalledTimes(1);

    expect(await login()).toBe(RFC5802.clientFinal);
    expect(derive).toHaveBeenCalledTimes(2);
    // The same salt and count again: the same proof, without deriving.
    expect(await login()).toBe(RFC5802.clientFinal);
    expect(derive).toHaveBeenCalledTimes(2);
    // Another iteration count is another salted password.
    const otherCount = RFC5802.serverFirst.replace('i=4096', 'i=4097');
    const scram = new ScramClient('SCRAM-SHA-1', saltedPasswords, RFC5802.nonce);
    scram.first('user');
    expect(await scram.final(otherCount, async () => 'pencil')).not.toBe(RFC5802.clientFinal);
    expect(derive).toHaveBeenCalledTimes(3);

    saltedPasswords.clear();
    expect(await login()).toBe(RFC5802.clientFinal);
    expect(derive).toHaveBeenCalledTimes(4);
  });

  it('keeps the salted password in a storage for the next client, and empties it when told', async () => {
    let kept: LoginKey | undefined;
    const storage: LoginKeyStorage = { load: () => kept, save: (key) => void (kept = key) };
    const asked: string[] = [];
    const login = async (saltedPasswords: SaltedPasswords, serverFirst = RFC5802.serverFirst) => {
      const scram = new ScramClient('SCRAM-SHA-1', saltedPasswords, RFC5802.nonce);
      scram.first('user');
      const final = await scram.final(serverFirst, async () => (asked.push('password'), 'pencil'));
      scram.verify(RFC5802.serverFinal);
      return final;
    };

    const first = new SaltedPasswords(storage);
    expect(await login(first)).toBe(RFC5802.clientFinal);
    expect(asked).toHaveLength(1);
    await vi.waitFor(() => expect(kept?.id).toBe('SHA-1 4096 QSXCR+Q6sek8bf92'));
    expect(kept!.key.extractable).toBe(false);

    // A later client (the next page) proves the same without the password.
    const next = new SaltedPasswords(storage);
    expect(await login(next)).toBe(RFC5802.clientFinal);
    expect(asked).toHaveLength(1);
    // Another salt (a changed password) is not what the kept key fits: the password is asked for.
    const otherSalt = RFC5802.serverFirst.replace('s=QSXCR+Q6sek8bf92', 's=QSXCR+Q6sek8bf93');
    await login(next, otherSalt).catch(() => undefined);
    expect(asked).toHaveLength(2);

    next.forget();
    await vi.waitFor(() => expect(kept).toBeUndefined());
    expect(await login(new SaltedPasswords(storage))).toBe(RFC5802.clientFinal);
    expect(asked).toHaveLength(3);
  });

  it('asks for the password when the storage cannot be read', async () => {
    const storage: LoginKeyStorage = {
      load: () => Promise.reject(new Error('blocked')),
      save: () => Promise.reject(new Error('blocked')),
    };
    const scram = new ScramClient('SCRAM-SHA-1', new SaltedPasswords(storage), RFC5802.nonce);
    scram.first('user');
    expect(await scram.final(RFC5802.serverFirst, async () => 'pencil')).toBe(RFC5802.clientFinal);
    expect(() => scram.verify(RFC5802.serverFinal)).not.toThrow();
  });
});
