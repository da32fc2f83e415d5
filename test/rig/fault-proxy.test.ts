// The fault proxy itself, against a loopback echo server (the proxy is what is under test here;
// the server tests run it in front of the real Prosody).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

let echo: Server;
let echoPort: number;
let serverSockets: Socket[];
let proxy: FaultProxy;

beforeEach(async () => {
  serverSockets = [];
  echo = createServer((socket) => {
    serverSockets.push(socket);
    socket.on('error', () => undefined); // resets are expected in these tests
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as { port: number }).port;
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: echoPort } });
});

afterEach(async () => {
  await proxy.close();
  for (const socket of serverSockets) socket.destroy();
  await new Promise((resolve) => echo.close(resolve));
});

/** Connects a client through the proxy; collects what it receives and how it ended. */
async function client(): Promise<{
  socket: Socket;
  received: () => string;
  closed: Promise<{ error?: NodeJS.ErrnoException }>;
}> {
  const socket = connect(proxy.port, '127.0.0.1');
  let data = '';
  let error: NodeJS.ErrnoException | undefined;
  socket.on('data', (chunk) => (data += String(chunk)));
  socket.on('error', (e) => (error = e));
  const closed = new Promise<{ error?: NodeJS.ErrnoException }>((resolve) =>
    socket.once('close', () => resolve(error ? { error } : {})),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, closed };
}

const until = async (check: () => boolean, timeoutMs = 2000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the fault proxy', () => {
  it('listens on loopback only and builds URLs through itself', () => {
    expect(proxy.host).toBe('127.0.0.1');
    expect(proxy.url('ws', '/xmpp-websocket')).toBe(`ws://127.0.0.1:${proxy.port}/xmpp-websocket`);
    expect(proxy.url('http', 'http-bind')).toBe(`http://127.0.0.1:${proxy.port}/http-bind`);
  });

  it('forwards bytes both ways and counts them and the connections', async () => {
    const c = await client();
    await proxy.waitForConnections((n) => n === 1);
    c.socket.write('hello');
    await until(() => c.received() === 'hello');
    expect(proxy.stats()).toMatchObject({ accepted: 1, bytesToServer: 5, bytesToClient: 5 });
    c.socket.end();
    await c.closed;
    await proxy.waitForConnections((n) => n === 0);
    expect(proxy.stats().closed).toBe(1);
  });

  it('holds bytes while paused without closing, and delivers them on resume', async () => {
    const c = await client();
    await proxy.waitForConnections((n) => n === 1);
    proxy.pause();
    expect(proxy.paused).toBe(true);
    c.socket.write('held');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(c.received()).toBe('');
    expect(proxy.connections()).toBe(1);
    expect(c.socket.destroyed).toBe(false);
    proxy.resume();
    await until(() => c.received() === 'held');
  });

  it('paused to the client only, passes what the client writes on and holds the answers', async () => {
    const c = await client();
    await proxy.waitForConnections((n) => n === 1);
    proxy.pause('to-client');
    c.socket.write('ping');
    await until(() => proxy.stats().bytesToServer === 4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(c.received()).toBe('');
    proxy.resume();
    await until(() => c.received() === 'ping');
  });

  it('freezes connections opened while paused', async () => {
    proxy.pause();
    const c = await client();
    c.socket.write('late');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(c.received()).toBe('');
    proxy.resume();
    await until(() => c.received() === 'late');
  });

  it('cuts every connection with a reset on both sides', async () => {
    const a = await client();
    const b = await client();
    await proxy.waitForConnections((n) => n === 2);
    await until(() => serverSockets.length === 2);
    const serverClosed = serverSockets.map((s) => new Promise((resolve) => s.once('close', resolve)));
    proxy.cutAll();
    const [endA, endB] = await Promise.all([a.closed, b.closed]);
    expect(endA.error?.code).toBe('ECONNRESET');
    expect(endB.error?.code).toBe('ECONNRESET');
    await Promise.all(serverClosed);
    expect(proxy.connections()).toBe(0);
  });

  it('refuses new connections while refusing, and accepts again afterwards', async () => {
    proxy.refuse(true);
    const socket = connect(proxy.port, '127.0.0.1');
    const ended = await new Promise<string>((resolve) => {
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      socket.once('close', () => resolve('closed'));
    });
    expect(['ECONNRESET', 'closed']).toContain(ended);
    expect(proxy.stats()).toMatchObject({ refused: 1, accepted: 0 });
    proxy.refuse(false);
    const c = await client();
    c.socket.write('back');
    await until(() => c.received() === 'back');
  });

  it('stops listening on close', async () => {
    await proxy.close();
    const socket = connect(proxy.port, '127.0.0.1');
    const code = await new Promise<string | undefined>((resolve) =>
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code)),
    );
    expect(code).toBe('ECONNREFUSED');
  });
});
