// StanzaJS's SASL library (stanza/lib/sasl) for the browser build: its mechanism `Factory` and
// PLAIN. The SDK logs in with SCRAM on WebCrypto (../scram.ts), which replaces StanzaJS's SCRAM on
// every platform, and never uses its EXTERNAL, DIGEST-MD5, X-OAUTH2, OAUTHBEARER or ANONYMOUS (it
// has no certificate, token or anonymous login to offer). Those are left out here with their hash
// code (see ./hash.ts); StanzaJS's client still registers them by name, and this `Factory` skips
// the ones it does not carry, so they can never be chosen.
// Used only by the browser bundles (scripts/rollup-stanza-subset.mjs); Node keeps StanzaJS's.
import { Buffer } from './buffer.js';

interface Credentials {
  username?: string;
  password?: string;
  token?: string;
  authzid?: string;
}

/** The parts of StanzaJS's `Mechanism` that SASL negotiation (../scram.ts) calls. */
interface Mechanism {
  name: string;
  createResponse(credentials: Credentials): Buffer | null | Promise<Buffer | null>;
  processChallenge(challenge: Uint8Array): void;
  processSuccess(success?: Uint8Array): void;
  finalize(): { authenticated: boolean; mutuallyAuthenticated: boolean };
}

type MechanismConstructor = new (name: string) => Mechanism;

/** StanzaJS's mechanism registry: the mechanism with the highest priority the server offers wins. */
export class Factory {
  private mechanisms: Array<{ name: string; create: MechanismConstructor; priority: number }> = [];

  register(name: string, create: MechanismConstructor | undefined, priority: number): void {
    if (!create) return; // a mechanism the browser build does not carry (see the top of this file)
    this.mechanisms.push({ name: name.toUpperCase(), create, priority });
    this.mechanisms.sort((a, b) => b.priority - a.priority);
  }

  disable(name: string): void {
    this.mechanisms = this.mechanisms.filter((mechanism) => mechanism.name !== name.toUpperCase());
  }

  createMechanism(offered: readonly string[]): Mechanism | null {
    const names = new Set(offered.map((name) => name.toUpperCase()));
    const known = this.mechanisms.find((mechanism) => names.has(mechanism.name));
    return known ? new known.create(known.name) : null;
  }
}

/** RFC 4616 PLAIN: authorization identity, username and password in one message. */
export class PLAIN implements Mechanism {
  private authenticated = false;

  constructor(readonly name: string) {}

  createResponse(credentials: Credentials): Buffer {
    const { authzid = '', username = '', password, token } = credentials;
    return Buffer.from(`${authzid}\0${username}\0${password || token || ''}`);
  }

  processChallenge(): void {}

  processSuccess(): void {
    this.authenticated = true;
  }

  finalize(): { authenticated: boolean; mutuallyAuthenticated: boolean } {
    return { authenticated: this.authenticated, mutuallyAuthenticated: false };
  }
}

// StanzaJS imports this module with TypeScript's CommonJS interop, which reads `default` when set.
export const __esModule = true;
