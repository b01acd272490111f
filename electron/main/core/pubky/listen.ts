/**
 * @module pubky/listen
 * Starting and stopping node:http servers cleanly (tests start and stop many).
 */
import * as http from 'node:http'

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** Creates a server for `handler` and listens on host:port (0 = OS-assigned). Resolves the port. */
export function listen(
  handler: Handler,
  port: number,
  host: string,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer({ keepAliveTimeout: 5_000, requestTimeout: 60_000 }, handler)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const addr = server.address()
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port })
    })
  })
}

/** Stops accepting, drops idle and active connections, and resolves once closed. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeIdleConnections()
    server.closeAllConnections()
  })
}
