// SASL login with SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) on WebCrypto, the same code in
// browsers and Node (both have `crypto.subtle`). StanzaJS derives the SCRAM key in a JavaScript
// loop of HMACs (in browsers a JavaScript HMAC too), thousands of rounds on the main thread; PBKDF2
// in SubtleCrypto runs natively and off it. A client also keeps the salted password it derived, as
// a non-extractable key in memory, per (hash, salt, iterations): its reconnects and fresh sessions
// skip the derivation (RFC 5802 §3 allows it) until `disconnect()`. Given a `LoginKeyStorage`,
// the key outlives the client there (still non-extractable: IndexedDB keeps CryptoKeys as they
// are), and a later client of the account logs in with it without asking for the password.
//
// StanzaJS's SASL negotiation (stanza/plugins/sasl.js) cannot carry this as it is: it calls a
// mechanism synchronously (`createResponse` right after the awaited `getCredentials`, its result
// sent as is), and on <success/> it never asks the mechanism to check the server's final message —
// a server that does not know the password is never detected. So this module replaces that one
// feature handler with an equivalent that awaits each step and checks <success/> before the stream
// restarts. StanzaJS's other mechanisms (PLAIN) run through it unchanged. Channel binding (-PLUS)
// is not offered: browsers cannot get TLS channel-binding data.
import { Platform, type Agent, type SASL, type Stanzas } from 'stanza';
import { saslprep } from './platform/stringprep.js';
import { ChatError, ErrorCodes } from '../errors.js';
import type { LoginKeyStorage } from '../types.js';

/** The SCRAM mechanisms of this module, by SASL name, with their hash and StanzaJS priority. */
const MECHANISMS = {
  'SCRAM-SHA-256': { hash: 'SHA-256', priority: 300 },
  'SCRAM-SHA-1': { hash: 'SHA-1', priority: 200 },
} as const;

/** A SCRAM mechanism name this module implements. */
export type ScramMechanism = keyof typeof MECHANISMS;

/** No channel binding, no authorization identity: `n,,` (base64 `biws` in client-final). */
const GS2_HEADER = 'n,,';

const utf8 = new TextEncoder();
const text = new TextDecoder();
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(value: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
}

/** RFC 5802 §5.1: `,` and `=` in a username are escaped. */
function saslName(name: string): string {
  return saslprep(name).replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** A SCRAM failure on our side of the exchange: the login fails with `auth-failed`. */
function refused(condition: string, message: string): ChatError {
  return new ChatError(ErrorCodes.authFailed, message, { condition });
}

/** `a=…,b=…` as a map of the one-letter attributes; a malformed message throws. */
function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part[1] !== '=') throw refused('malformed-challenge', 'The server sent a malformed SCRAM message');
    map.set(part[0]!, part.slice(2));
  }
  return map;
}

async function hmac(key: CryptoKey, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().sign('HMAC', key, data));
}

function hmacKey(raw: BufferSource, hash: string): Promise<CryptoKey> {
  return subtle().importKey('raw', raw, { name: 'HMAC', hash }, false, ['sign']);
}

/**
 * Salted passwords (RFC 5802 `SaltedPassword`) of one client as non-extractable HMAC keys: by
 * hash, salt and iteration count, which identify the password the server stores (servers pick a
 * new salt when a password changes). Filled only after the server proved that it knows the same
 * password. In memory; with a storage, the latest one is kept there too and read from there when
 * memory has none.
 */
export class SaltedPasswords {
  private readonly keys = new Map<string, CryptoKey>();
  /** The storage's key, read into `keys` once (again after `clear()`). */
  private loaded: Promise<void> | undefined;
  /** The storage's writes, in order; a read waits for them. */
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly storage?: LoginKeyStorage) {}

  async get(id: string): Promise<CryptoKey | undefined> {
    const storage = this.storage;
    if (!this.keys.has(id) && storage) {
      this.loaded ??= this.writes.then(async () => {
        const stored = await storage.load();
        if (typeof stored?.id === 'string' && stored.key) this.keys.set(stored.id, stored.key);
      });
      // Storage that cannot be read: the password is asked for.
      await this.loaded.catch(() => undefined);
    }
    return this.keys.get(id);
  }

  set(id: string, key: CryptoKey): void {
    this.keys.set(id, key);
    this.write({ id, key });
  }

  /** Forgets the salted passwords in memory (at `agent.disconnect()`); the storage's stays. */
  clear(): void {
    this.keys.clear();
    this.loaded = undefined;
  }

  /** Forgets them in the storage too (at the SDK's `disconnect()`, and when a login fails). */
  forget(): void {
    this.clear();
    this.write(undefined);
  }

  private write(entry: { id: string; key: CryptoKey } | undefined): void {
    const storage = this.storage;
    if (!storage) return;
    // A storage that cannot be written keeps nothing: the password is asked for next time.
    this.writes = this.writes.then(() => storage.save(entry)).catch(() => undefined);
  }
}

/**
 * The client side of one SCRAM exchange (no channel binding). `first()` gives the
 * client-first-message, `final()` the client-final-message for the server-first-message, and
 * `verify()` checks the server-final-message; a failure is a ChatError `auth-failed` whose
 * `condition` says what was wrong (`server-signature` when the server could not prove that it
 * knows the password).
 */
export class ScramClient {
  private readonly hash: string;
  private firstBare = '';
  private serverSignature: Uint8Array | undefined;
  private verified: (() => void) | undefined;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly saltedPasswords = new SaltedPasswords(),
    private readonly nonce = toBase64(globalThis.crypto.getRandomValues(new Uint8Array(18))),
  ) {
    this.hash = MECHANISMS[mechanism].hash;
  }

  /** The client-first-message. */
  first(username: string): string {
    this.firstBare = `n=${saslName(username)},r=${this.nonce}`;
    return GS2_HEADER + this.firstBare;
  }

  /**
   * The client-final-message (with the proof) for the server-first-message. The password is asked
   * for only when no salted password for the server's salt and iteration count is kept.
   */
  async final(serverFirst: string, password: () => Promise<string>): Promise<string> {
    const challenge = attributes(serverFirst);
    const nonce = challenge.get('r') ?? '';
    const salt = challenge.get('s') ?? '';
    const iterations = Number(challenge.get('i'));
    if (challenge.has('m') || !salt || !Number.isSafeInteger(iterations) || iterations < 1) {
      throw refused('malformed-challenge', 'The server sent a malformed SCRAM challenge');
    }
    // RFC 5802 §5.1: the server's nonce extends ours; anything else is not an answer to us.
    if (!nonce.startsWith(this.nonce) || nonce.length <= this.nonce.length) {
      throw refused('nonce', "The server's SCRAM nonce does not extend the client's");
    }
    const id = `${this.hash} ${iterations} ${salt}`;
    let saltedPassword = await this.saltedPasswords.get(id);
    if (!saltedPassword) {
      const secret = utf8.encode(saslprep(await password()));
      const base = await subtle().importKey('raw', secret, 'PBKDF2', false, ['deriveBits']);
      secret.fill(0);
      const bits = await subtle().deriveBits(
        { name: 'PBKDF2', hash: this.hash, salt: fromBase64(salt), iterations },
        base,
        this.hash === 'SHA-1' ? 160 : 256,
      );
      const key = await hmacKey(bits, this.hash);
      new Uint8Array(bits).fill(0);
      saltedPassword = key;
      // Kept only once the server proved that it knows the same password (see verify()).
      this.verified = () => this.saltedPasswords.set(id, key);
    }
    const withoutProof = `c=${btoa(GS2_HEADER)},r=${nonce}`;
    const authMessage = utf8.encode(`${this.firstBare},${serverFirst},${withoutProof}`);
    const clientKey = await hmac(saltedPassword, utf8.encode('Client Key'));
    const storedKey = new Uint8Array(await subtle().digest(this.hash, clientKey));
    const clientSignature = await hmac(await hmacKey(storedKey, this.hash), authMessage);
    const serverKey = await hmac(saltedPassword, utf8.encode('Server Key'));
    this.serverSignature = await hmac(await hmacKey(serverKey, this.hash), authMessage);
    const proof = clientKey.map((byte, i) => byte ^ clientSignature[i]!);
    return `${withoutProof},p=${toBase64(proof)}`;
  }

  /** Checks the server-final-message; throws unless it carries the server signature we expect. */
  verify(serverFinal: string): void {
    const final = attributes(serverFinal);
    const error = final.get('e');
    if (error !== undefined) throw refused(error, `The server ended the SCRAM exchange: ${error}`);
    const expected = this.serverSignature;
    const given = fromBase64(final.get('v') ?? '');
    let difference = expected && given.length === expected.length ? 0 : 1;
    for (let i = 0; i < given.length && expected; i++) difference |= given[i]! ^ (expected[i] ?? 0);
    if (difference !== 0) {
      throw refused('server-signature', 'The server could not prove that it knows the password');
    }
    this.verified?.();
  }
}

/** The bytes StanzaJS sends as SASL data (its platform's Buffer). */
type Bytes = ReturnType<typeof Platform.Buffer.from>;

/** StanzaJS's `Mechanism`, with steps that may be asynchronous. */
interface StepMechanism {
  readonly name: string;
  readonly providesMutualAuthentication?: boolean;
  processChallenge(challenge: Uint8Array): void;
  processSuccess(success?: Uint8Array): void;
  createResponse(credentials: SASL.Credentials): Bytes | null | Promise<Bytes | null>;
  finalize(): SASL.MechanismResult;
}

/** Ours: is handed a way to ask for the credentials, and asks when it needs them (see `eager`). */
interface LazyMechanism extends Omit<StepMechanism, 'createResponse'> {
  readonly lazy: true;
  createResponse(credentials: () => Promise<SASL.Credentials>): Promise<Bytes>;
}

/**
 * Our SCRAM as a StanzaJS mechanism class, sharing one client's salted passwords. The
 * server-final-message comes with <success/> (RFC 6120 §6.4.6), or, from older servers, as a last
 * challenge answered with an empty response: both are checked. The username is the account's.
 * `eager`: the credentials are asked for before the exchange starts, as StanzaJS does — a portal
 * may mint the password in that call, which must happen before the server picks the salt it
 * challenges with. Otherwise (a login key is kept) only when no kept salted password fits.
 */
function scramMechanism(
  saltedPasswords: SaltedPasswords,
  username: () => string,
  eager: boolean,
): new (name: string) => LazyMechanism {
  return class implements LazyMechanism {
    readonly lazy = true;
    readonly providesMutualAuthentication = true;
    private readonly client: ScramClient;
    private challenge: string | undefined;
    private sentFinal = false;
    private success = '';

    constructor(readonly name: string) {
      this.client = new ScramClient(name as ScramMechanism, saltedPasswords);
    }

    processChallenge(challenge: Uint8Array): void {
      if (this.sentFinal) this.success = text.decode(challenge);
      else this.challenge = text.decode(challenge);
    }

    processSuccess(success?: Uint8Array): void {
      if (success?.length) this.success = text.decode(success);
    }

    async createResponse(credentials: () => Promise<SASL.Credentials>): Promise<Bytes> {
      if (this.challenge === undefined) {
        if (eager) await credentials();
        return Platform.Buffer.from(this.client.first(username()));
      }
      if (this.sentFinal) {
        this.client.verify(this.success);
        return Platform.Buffer.from('');
      }
      this.sentFinal = true;
      const password = async (): Promise<string> => (await credentials()).password ?? '';
      return Platform.Buffer.from(await this.client.final(this.challenge, password));
    }

    finalize(): SASL.MechanismResult {
      this.client.verify(this.success);
      return { authenticated: true, mutuallyAuthenticated: true };
    }
  };
}

type FeatureHandler = Agent['features']['handlers'][string];

/**
 * StanzaJS's SASL feature handler (stanza/plugins/sasl.js), with each mechanism step awaited and
 * <success/> checked by the mechanism (`finalize()`) before the stream restarts. A failed check
 * ends the login like a rejected password (`auth:failed`). Unlike StanzaJS's, it never copies
 * derived keys into the agent's config.
 */
function negotiation(agent: Agent, onFailure: () => void): FeatureHandler {
  return (features: Stanzas.StreamFeatures, done: (command?: string, message?: string) => void) => {
    const mechanism = agent.sasl.createMechanism(features.sasl?.mechanisms ?? []) as
      StepMechanism | LazyMechanism | null;
    const fail = (message: string): void => {
      onFailure();
      agent.emit('auth:failed');
      done('disconnect', message);
    };
    if (!mechanism) return fail('authentication failed');
    let over = false;
    const respond = async (type: 'auth' | 'response'): Promise<void> => {
      try {
        const value =
          'lazy' in mechanism
            ? await mechanism.createResponse(async () => (await agent.getCredentials()) ?? {})
            : await mechanism.createResponse((await agent.getCredentials()) ?? {});
        if (over) return;
        const data = value ? { value } : {};
        void agent.send(
          'sasl',
          type === 'auth' ? { type, mechanism: mechanism.name, ...data } : { type, ...data },
        );
      } catch {
        // The exchange cannot go on (the credentials callback failed, or the server's challenge
        // is not SCRAM we can answer): abort it, as RFC 5802 asks. The server answers with a
        // <failure/>, which ends the attempt with its condition (see the 'sasl' listener).
        if (!over) void agent.send('sasl', { type: 'abort' });
      }
    };
    const onSasl = (sasl: Stanzas.SASL): void => {
      switch (sasl.type) {
        case 'challenge':
          mechanism.processChallenge(sasl.value ?? new Uint8Array(0));
          void respond('response');
          return;
        case 'success': {
          stop();
          try {
            mechanism.processSuccess(sasl.value);
            const result = mechanism.finalize();
            const proven = !mechanism.providesMutualAuthentication || result.mutuallyAuthenticated;
            if (!result.authenticated || !proven) throw new Error(result.error ?? 'not verified');
          } catch (error) {
            return fail(error instanceof Error ? error.message : 'authentication failed');
          }
          agent.features.negotiated.sasl = true;
          agent.emit('auth:success', agent.config.credentials);
          if (agent.transport) agent.transport.authenticated = true;
          return done('restart');
        }
        case 'failure':
        case 'abort':
          stop();
          return fail('authentication failed');
      }
    };
    const stop = (): void => {
      over = true;
      agent.off('sasl', onSasl);
    };
    agent.on('sasl', onSasl);
    agent.once('--reset-stream-features', () => {
      stop();
      agent.features.negotiated.sasl = false;
    });
    void respond('auth');
  };
}

/**
 * Logs `agent` in with SCRAM on WebCrypto: registers SCRAM-SHA-256 and SCRAM-SHA-1 in place of
 * StanzaJS's (same names and priorities), replaces StanzaJS's SASL negotiation (see the top of
 * this file), and keeps the salted passwords in memory until `agent.disconnect()`, and in
 * `storage` (if given) until the returned `forget()` or a failed login. `username`: the account's
 * local part. Where WebCrypto is missing (a browser page that is not a secure context), no SCRAM
 * is offered at all.
 */
export function useWebCryptoScram(
  agent: Agent,
  { username, storage }: { username: () => string; storage?: LoginKeyStorage | undefined },
): { forget(): void } {
  const saltedPasswords = new SaltedPasswords(storage);
  const mechanism = scramMechanism(
    saltedPasswords,
    username,
    !storage,
  ) as unknown as SASL.MechanismConstructor;
  for (const [name, { priority }] of Object.entries(MECHANISMS)) {
    agent.sasl.disable(name);
    if (globalThis.crypto?.subtle) agent.sasl.register(name, mechanism, priority);
  }
  const handler = negotiation(agent, () => saltedPasswords.forget());
  if (agent.features.order.some((feature) => feature.name === 'sasl')) {
    agent.features.handlers.sasl = handler;
  } else {
    agent.registerFeature('sasl', 100, handler);
  }
  const disconnect = agent.disconnect.bind(agent);
  agent.disconnect = () => {
    saltedPasswords.clear();
    return disconnect();
  };
  return { forget: () => saltedPasswords.forget() };
}
