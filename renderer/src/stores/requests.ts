/** Payment requests: the sealed inbox (from contacts and subscribers) and what this shop sent. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { RequestInRow, RequestOutRow, SendRequest } from '@shared/domain/checkout'
import type { IpcError } from '@shared/ipc/errors'
import { call, onEvent } from '../bridge/pos'

export const useRequestsStore = defineStore('requestsStore', () => {
  const incoming = ref<RequestInRow[]>([])
  const outgoing = ref<RequestOutRow[]>([])
  const error = ref<IpcError | null>(null)
  const sendError = ref<IpcError | null>(null)
  const busy = ref(false)
  const lastPoll = ref<{ received: number; rejected: number } | null>(null)

  async function load(): Promise<void> {
    const [i, o] = await Promise.all([call('requests:incoming', {}), call('requests:outgoing', {})])
    if (i.ok) incoming.value = i.value
    if (o.ok) outgoing.value = o.value
    const failed = !i.ok ? i.error : !o.ok ? o.error : null
    error.value = failed
  }

  async function poll(): Promise<void> {
    busy.value = true
    try {
      const r = await call('requests:poll', {})
      if (r.ok) lastPoll.value = r.value
      else error.value = r.error
      await load()
    } finally {
      busy.value = false
    }
  }

  async function send(req: SendRequest): Promise<boolean> {
    busy.value = true
    try {
      const r = await call('requests:send', req)
      if (r.ok) {
        sendError.value = null
        outgoing.value = [r.value, ...outgoing.value.filter((x) => x.requestId !== r.value.requestId)]
        return true
      }
      sendError.value = r.error
      return false
    } finally {
      busy.value = false
    }
  }

  function listen(): () => void {
    return onEvent('requests:changed', () => void load())
  }

  function $reset(): void {
    incoming.value = []
    outgoing.value = []
    error.value = null
    sendError.value = null
    busy.value = false
    lastPoll.value = null
  }

  return { incoming, outgoing, error, sendError, busy, lastPoll, load, poll, send, listen, $reset }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRequestsStore, import.meta.hot))
