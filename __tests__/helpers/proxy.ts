/**
 * A forward proxy on loopback that speaks CONNECT, for the proxy tests. Whatever
 * host a client asks for, a healthy tunnel leads to `target` on this machine,
 * so the real API host names can be used without any traffic leaving it.
 */
import { type Server, type Socket, connect, createServer } from 'node:net'

export type ProxyMode =
  /** Accepts the connection and never answers CONNECT. */
  | { kind: 'silent' }
  /** Answers CONNECT with 200, then never forwards a byte. */
  | { kind: 'stall' }
  /** Answers CONNECT with 200, then closes the tunnel at once. */
  | { kind: 'close-tunnel' }
  /** Answers CONNECT with this status line and closes. */
  | { kind: 'status'; status: number; text: string }
  /** Opens the tunnel to this loopback port. */
  | { kind: 'tunnel'; port: number }

export interface ConnectRecord {
  /** host:port the client asked for. */
  target: string
  /** Decoded Basic credentials, if any were sent. */
  credentials?: string
}

export interface TestProxy {
  url: string
  port: number
  connects: ConnectRecord[]
  close(): Promise<void>
}

export async function startProxy(mode: ProxyMode): Promise<TestProxy> {
  const connects: ConnectRecord[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => {
      sockets.delete(client)
    })
    client.on('error', () => undefined)
    let head = ''
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      client.off('data', onData)
      const lines = head.slice(0, end).split('\r\n')
      const target = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '')?.[1] ?? '?'
      const auth = lines.find((line) => /^proxy-authorization: basic /i.test(line))
      const record: ConnectRecord = { target }
      if (auth !== undefined) {
        record.credentials = Buffer.from(auth.split(' ').pop() ?? '', 'base64').toString()
      }
      connects.push(record)
      answer(client, mode, sockets)
    }
    client.on('data', onData)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => {
          resolve()
        })
      }),
  }
}

function answer(client: Socket, mode: ProxyMode, sockets: Set<Socket>): void {
  switch (mode.kind) {
    case 'silent':
      return
    case 'stall':
      client.write('HTTP/1.1 200 Connection established\r\n\r\n')
      return
    case 'close-tunnel':
      client.end('HTTP/1.1 200 Connection established\r\n\r\n')
      return
    case 'status':
      client.end(
        `HTTP/1.1 ${mode.status} ${mode.text}\r\ncontent-type: text/plain\r\ncontent-length: 0\r\n\r\n`,
      )
      return
    case 'tunnel': {
      const upstream = connect(mode.port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n')
        client.pipe(upstream)
        upstream.pipe(client)
      })
      sockets.add(upstream)
      upstream.on('close', () => {
        sockets.delete(upstream)
        client.destroy()
      })
      upstream.on('error', () => client.destroy())
      client.on('close', () => upstream.destroy())
    }
  }
}

/** A loopback port nobody listens on (the OS picks it, then it is released). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve()
    }),
  )
  return port
}
