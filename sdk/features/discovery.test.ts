import { describe, expect, it } from 'vitest';
import { summarize } from './discovery.js';

const info = (
  features: string[],
  identities: Array<{ category: string; type: string }> = [],
  forms = {},
) => ({
  features,
  identities,
  forms,
});

describe('summarizing disco answers', () => {
  it('finds services by feature and identity, never by name, and reads the upload limit', () => {
    const server = summarize({
      domain: 'example.com',
      server: info(['urn:xmpp:carbons:2', 'urn:xmpp:blocking']),
      account: info(['urn:xmpp:mam:2', 'urn:xmpp:push:0']),
      items: [
        {
          jid: 'proxy.example.com',
          info: info(
            ['http://jabber.org/protocol/bytestreams'],
            [{ category: 'proxy', type: 'bytestreams' }],
          ),
        },
        {
          jid: 'rooms.example.com',
          info: info(['http://jabber.org/protocol/muc'], [{ category: 'conference', type: 'text' }]),
        },
        {
          jid: 'files.example.com',
          info: info(['urn:xmpp:http:upload:0'], [{ category: 'store', type: 'file' }], {
            'urn:xmpp:http:upload:0': { 'max-file-size': ['10485760'] },
          }),
        },
      ],
      streamManagement: true,
      csi: false,
    });
    expect(server).toMatchObject({
      carbons: true,
      blocking: true,
      archive: true,
      push: true,
      uploadService: 'files.example.com',
      uploadMaxBytes: 10485760,
      mucService: 'rooms.example.com',
      proxy65: 'proxy.example.com',
    });
  });

  it('says what is missing instead of assuming it', () => {
    const server = summarize({
      domain: 'example.com',
      server: info([]),
      items: [],
      streamManagement: false,
      csi: false,
    });
    expect(server).toEqual({
      domain: 'example.com',
      carbons: false,
      blocking: false,
      archive: false,
      push: false,
      streamManagement: false,
      csi: false,
      features: [],
    });
  });
});
