import { describe, expect, it } from 'vitest';
import { endpointsFor } from './endpoints.js';

describe('choosing endpoints from the service option', () => {
  it('maps each URL scheme to its transport', () => {
    expect(endpointsFor('wss://chat.example.com/ws', 'example.com', false)).toEqual([
      { transport: 'websocket', url: 'wss://chat.example.com/ws' },
    ]);
    expect(endpointsFor('https://chat.example.com/http-bind', 'example.com', false)).toEqual([
      { transport: 'bosh', url: 'https://chat.example.com/http-bind' },
    ]);
    expect(endpointsFor('xmpps://xmpp.example.com:5223', 'example.com', true)).toEqual([
      { transport: 'tcp', url: 'xmpps://xmpp.example.com:5223' },
    ]);
  });

  it('uses SRV where TCP exists and XEP-0156 discovery otherwise', () => {
    expect(endpointsFor(undefined, 'example.com', true)).toEqual([
      { transport: 'tcp', url: 'xmpp://example.com' },
    ]);
    expect(endpointsFor(undefined, 'example.com', false).map((e) => e.transport)).toEqual([
      'websocket',
      'bosh',
    ]);
  });

  it('refuses a scheme it does not know', () => {
    expect(endpointsFor('ftp://example.com', 'example.com', true)).toEqual([]);
  });
});
