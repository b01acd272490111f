/**
 * @module pubky/link-relay
 * The HTTP relay of the `pubkyauth://` flow (pubky-core `http-relay`): `/link/{id}` is a one-shot
 * rendezvous. A GET waits for a POST on the same id and receives its body; a POST waits for a GET.
 * Each side waits at most `timeoutMs` (the reference: 10 minutes), then gets 408.
 */
import type * as http from 'node:http'
import { applyCors, HttpError, readBody, sendBytes, sendEmpty, sendError, sendText } from '../pkarr/http'

export const LINK_BODY_LIMIT = 64 * 1024

interface Waiter<T> {
  deliver(value: T): void
}

export class LinkRelay {
  private readonly consumers = new Map<string, Waiter<Uint8Array>>()
  private readonly producers = new Map<string, { body: Uint8Array } & Waiter<void>>()
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(private readonly timeoutMs = 10 * 60_000) {}

  /** Handles `/link/{id}` (`path` without any mount prefix). */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    applyCors(req, res)
    try {
      if (req.method === 'OPTIONS') return sendEmpty(res, 200)
      const m = /^\/link\/([^/?]{1,256})$/.exec(path)
      if (!m) throw new HttpError(404, 'Not Found')
      const id = m[1]!
      if (req.method === 'GET') return this.consume(req, res, id)
      if (req.method === 'POST') return await this.produce(req, res, id)
      throw new HttpError(405, 'Method Not Allowed')
    } catch (e) {
      sendError(res, e)
    }
  }

  private wait(res: http.ServerResponse, onTimeout: () => void, onClose: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      onTimeout()
      sendText(res, 408, 'Request timed out')
    }, this.timeoutMs)
    this.timers.add(timer)
    res.on('close', () => {
      clearTimeout(timer)
      this.timers.delete(timer)
      onClose()
    })
    return timer
  }

  private consume(_req: http.IncomingMessage, res: http.ServerResponse, id: string): void {
    const producer = this.producers.get(id)
    if (producer) {
      this.producers.delete(id)
      producer.deliver()
      return sendBytes(res, 200, producer.body)
    }
    const waiter: Waiter<Uint8Array> = {
      deliver: (body) => {
        clearTimeout(timer)
        this.timers.delete(timer)
        sendBytes(res, 200, body)
      },
    }
    // A newer consumer replaces an older one, as the reference's waiting list does.
    this.consumers.set(id, waiter)
    const drop = (): void => {
      if (this.consumers.get(id) === waiter) this.consumers.delete(id)
    }
    const timer = this.wait(res, drop, drop)
  }

  private async produce(req: http.IncomingMessage, res: http.ServerResponse, id: string): Promise<void> {
    const body = await readBody(req, LINK_BODY_LIMIT)
    const consumer = this.consumers.get(id)
    if (consumer) {
      this.consumers.delete(id)
      consumer.deliver(body)
      return sendEmpty(res, 200)
    }
    const producer = {
      body: new Uint8Array(body),
      deliver: () => {
        clearTimeout(timer)
        this.timers.delete(timer)
        sendEmpty(res, 200)
      },
    }
    this.producers.set(id, producer)
    const drop = (): void => {
      if (this.producers.get(id) === producer) this.producers.delete(id)
    }
    const timer = this.wait(res, drop, drop)
  }

  /** Cancels every pending wait (used on shutdown). */
  close(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.consumers.clear()
    this.producers.clear()
  }
}
