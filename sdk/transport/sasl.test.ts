// Which SASL mechanism the client picks from what a server offers (StanzaJS picks by priority
// alone, even mechanisms it cannot complete).
import { describe, expect, it } from 'vitest';
import { agentOf, createTransport } from './xmpp.js';

function pick(service: string, offered: string[]): string | undefined {
  const transport = createTransport({
    jid: 'anna@example.com',
    service,
    credentials: async () => ({ password: 'secret' }),
  });
  return agentOf(transport).sasl.createMechanism(offered)?.name;
}

const everything = [
  'EXTERNAL',
  'SCRAM-SHA-256-PLUS',
  'SCRAM-SHA-1-PLUS',
  'SCRAM-SHA-256',
  'SCRAM-SHA-1',
  'PLAIN',
];

describe('choosing a SASL mechanism', () => {
  it('never picks EXTERNAL or a -PLUS mechanism it has no channel binding for', () => {
    expect(pick('wss://chat.example.com/ws', everything)).toBe('SCRAM-SHA-256');
    expect(pick('wss://chat.example.com/ws', ['EXTERNAL', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1'])).toBe(
      'SCRAM-SHA-1',
    );
  });

  it('uses PLAIN over TLS when it is all the server offers, and never over a plain transport', () => {
    expect(pick('wss://chat.example.com/ws', ['PLAIN'])).toBe('PLAIN');
    expect(pick('https://chat.example.com/http-bind', ['PLAIN'])).toBe('PLAIN');
    expect(pick('ws://127.0.0.1:5280/xmpp-websocket', ['PLAIN'])).toBeUndefined();
    expect(pick('http://127.0.0.1:5280/http-bind', ['SCRAM-SHA-1', 'PLAIN'])).toBe('SCRAM-SHA-1');
  });
});
