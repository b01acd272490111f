/**
 * @module payments/sim-client
 * Client for the loopback simulator service (`sim-service.ts`): what the payer CLI and tests use
 * to pay an invoice, send coins and mine. It talks only to loopback addresses and refuses any
 * reply that does not say `"simulated": true`, so it can never be pointed at something real by
 * mistake.
 *
 * Uses node:http rather than `fetch`: the Pubky SDK patches the global fetch in this process.
 */
import { request } from 'node:http'
import { PaykitError } from '../util/errors'

export type SimClientErrorCode = 'sim-not-loopback' | 'sim-unreachable' | 'sim-bad-reply' | 'sim-timeout'

/**
 * A failure reported by the simulator (its `code`, e.g. `invoice-already-paid`, and HTTP status)
 * or by the client itself (`sim-*` codes, status 0).
 */
export class SimServiceError extends PaykitError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
  }
}

export interface SimServiceInfo {
  network: string
  nodeId: string
  height: number
}

export interface SimPayResult {
  preimage: string
  paymentHash: string
  amountMsat: bigint
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
const MAX_REPLY_BYTES = 65_536

export class SimServiceClient {
  private readonly base: URL

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    let url: URL
    try {
      url = new URL(baseUrl)
    } catch (e) {
      throw new SimServiceError('sim-not-loopback', `"${baseUrl}" is not a URL`, 0, { cause: e })
    }
    if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) {
      throw new SimServiceError(
        'sim-not-loopback',
        `the simulator must be on http://127.0.0.1 (got ${url.protocol}//${url.hostname})`,
        0,
      )
    }
    this.base = url
  }

  async info(): Promise<SimServiceInfo> {
    const r = await this.call('GET', '/info')
    if (
      typeof r['network'] !== 'string' ||
      typeof r['nodeId'] !== 'string' ||
      typeof r['height'] !== 'number'
    ) {
      throw new SimServiceError(
        'sim-bad-reply',
        'simulator /info reply is missing network, nodeId or height',
        0,
      )
    }
    return { network: r['network'], nodeId: r['nodeId'], height: r['height'] }
  }

  /** Pays an invoice on the simulated network; the preimage is the proof to hand to the POS. */
  async pay(bolt11: string, amountSats?: number): Promise<SimPayResult> {
    const r = await this.call(
      'POST',
      '/lightning/pay',
      amountSats === undefined ? { bolt11 } : { bolt11, amountSats },
    )
    const { preimage, paymentHash, amountMsat } = r
    if (typeof preimage !== 'string' || typeof paymentHash !== 'string' || typeof amountMsat !== 'string') {
      throw new SimServiceError(
        'sim-bad-reply',
        'simulator pay reply is missing preimage, paymentHash or amountMsat',
        0,
      )
    }
    if (!/^[0-9]{1,20}$/.test(amountMsat)) {
      throw new SimServiceError('sim-bad-reply', 'simulator pay reply has a malformed amountMsat', 0)
    }
    return { preimage, paymentHash, amountMsat: BigInt(amountMsat) }
  }

  /** Broadcasts a simulated payment of `sats` to `address`; returns the txid. */
  async send(address: string, sats: number): Promise<string> {
    const r = await this.call('POST', '/chain/send', { address, sats })
    if (typeof r['txid'] !== 'string')
      throw new SimServiceError('sim-bad-reply', 'simulator send reply has no txid', 0)
    return r['txid']
  }

  /** Mines `blocks` blocks; returns the new height. */
  async mine(blocks = 1): Promise<number> {
    const r = await this.call('POST', '/chain/mine', { blocks })
    if (typeof r['height'] !== 'number')
      throw new SimServiceError('sim-bad-reply', 'simulator mine reply has no height', 0)
    return r['height']
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.base),
        {
          method,
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : { accept: 'application/json' },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (c: Buffer) => {
            size += c.length
            if (size > MAX_REPLY_BYTES) {
              res.destroy()
              reject(new SimServiceError('sim-bad-reply', 'simulator reply is too large', 0))
              return
            }
            chunks.push(c)
          })
          res.on('end', () => {
            let parsed: unknown
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
            } catch (e) {
              reject(
                new SimServiceError('sim-bad-reply', 'simulator reply is not JSON', res.statusCode ?? 0, {
                  cause: e,
                }),
              )
              return
            }
            if (
              typeof parsed !== 'object' ||
              parsed === null ||
              (parsed as Record<string, unknown>)['simulated'] !== true
            ) {
              reject(
                new SimServiceError('sim-bad-reply', 'reply does not come from the payment simulator', 0),
              )
              return
            }
            const reply = parsed as Record<string, unknown>
            const status = res.statusCode ?? 0
            if (status >= 200 && status < 300) {
              resolve(reply)
              return
            }
            const error = reply['error'] as { code?: unknown; message?: unknown } | undefined
            reject(
              new SimServiceError(
                typeof error?.code === 'string' ? error.code : 'sim-bad-reply',
                typeof error?.message === 'string' ? error.message : `simulator answered HTTP ${status}`,
                status,
              ),
            )
          })
          res.on('error', (e) =>
            reject(new SimServiceError('sim-unreachable', 'simulator reply was cut off', 0, { cause: e })),
          )
        },
      )
      req.on('timeout', () => {
        req.destroy()
        reject(new SimServiceError('sim-timeout', `simulator did not answer within ${this.timeoutMs} ms`, 0))
      })
      req.on('error', (e) =>
        reject(
          new SimServiceError('sim-unreachable', `cannot reach the simulator: ${e.message}`, 0, { cause: e }),
        ),
      )
      req.end(payload)
    })
  }
}
