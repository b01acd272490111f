// The engine's commands in the contract: their schemas refuse malformed requests with a message a
// person can act on, the access policy keeps a cashier to charging, and engine failures keep the
// core's code and message across IPC.
import { describe, expect, it } from 'vitest'
import { requestSchemas } from '../../../shared/schema/requests'
import { firstIssue } from '../../../shared/schema/fields'
import { methodProblem, watchOnlyProblem } from '../../../shared/schema/methods'
import { COMMAND_ACCESS, checkAccess } from '../../../electron/main/ipc/policy'
import { COMMAND_NAMES, type CommandName } from '../../../shared/ipc/contract'
import { EngineCallError } from '../../../electron/main/core/engine/host'
import { engineErrorCode, networkFor } from '../../../electron/main/app/services/engine'
import { frequencyText } from '../../../electron/main/app/services/engine-dto'
import { createDispatcher } from '../../../electron/main/ipc/dispatch'
import { memoryLogger } from '../../../electron/main/platform/logger'
import type { Router } from '../../../electron/main/ipc/router'

const KEY = 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u'

function refuse(command: CommandName, request: unknown): string {
  const r = requestSchemas[command].safeParse(request)
  expect(r.success, `${command} accepted ${JSON.stringify(request)}`).toBe(false)
  return r.success ? '' : firstIssue(r.error)
}

describe('engine command schemas', () => {
  it('refuse malformed requests, each with an actionable message', () => {
    const cases: [CommandName, unknown, RegExp][] = [
      ['checkout:start', { amountMinor: 0, tipMinor: 0, currency: 'SAT', memo: '' }, /above zero/],
      ['checkout:start', { amountMinor: 1.5, tipMinor: 0, currency: 'SAT', memo: '' }, /whole/],
      ['checkout:start', { amountMinor: 10, tipMinor: 0, currency: 'XXX', memo: '' }, /Currency/],
      ['checkout:start', { amountMinor: 10, tipMinor: 0, currency: 'SAT', memo: 'x'.repeat(141) }, /140/],
      ['checkout:cancel', { checkoutId: 'chk 1' }, /spaces/],
      ['checkout:list', { limit: 501 }, /500/],
      ['receipts:search', { text: '', from: null, to: null, limit: 10, cursor: null, extra: 1 }, /./],
      ['receipts:search', { text: 'x'.repeat(101), from: null, to: null, limit: 10, cursor: null }, /100/],
      [
        'receipts:summary',
        { from: 1_800_000_000_000, to: 1_700_000_000_000, tzOffsetMinutes: 0 },
        /after its start/,
      ],
      [
        'receipts:summary',
        { from: 1_700_000_000_000, to: 1_800_000_000_000, tzOffsetMinutes: 0 },
        /one year/,
      ],
      [
        'receipts:summary',
        { from: 1_700_000_000_000, to: 1_700_086_400_000, tzOffsetMinutes: 9999 },
        /offset/,
      ],
      [
        'requests:send',
        { to: 'not-a-key', amountSats: 5, method: 'lightning', description: '' },
        /52 z-base-32/,
      ],
      ['requests:send', { to: KEY, amountSats: 0, method: 'lightning', description: '' }, /above zero/],
      [
        'requests:send',
        { to: KEY, amountSats: 5, method: 'paypal', description: '' },
        /lightning or onchain/,
      ],
      [
        'subscribers:propose',
        {
          subscriber: KEY,
          amountSats: 5,
          frequency: { kind: 'monthly', day: 31 },
          method: 'lightning',
          description: 'x',
        },
        /1 to 28/,
      ],
      [
        'subscribers:propose',
        {
          subscriber: KEY,
          amountSats: 5,
          frequency: { kind: 'hourly' },
          method: 'lightning',
          description: 'x',
        },
        /daily, weekly/,
      ],
      [
        'subscribers:propose',
        {
          subscriber: KEY,
          amountSats: 5,
          frequency: { kind: 'daily' },
          method: 'lightning',
          description: '',
        },
        /Describe the plan/,
      ],
      [
        'subscribers:propose',
        {
          subscriber: KEY,
          amountSats: 5,
          frequency: { kind: 'yearly', month: 2, day: 30 },
          method: 'lightning',
          description: 'x',
        },
        /February has days 1 to 29/,
      ],
      [
        'subscribers:propose',
        {
          subscriber: KEY,
          amountSats: 5,
          frequency: { kind: 'yearly', month: 13, day: 1 },
          method: 'lightning',
          description: 'x',
        },
        /Month is 1 to 12/,
      ],
      ['receipts:save-pdf', { receiptId: 'rcpt 1' }, /spaces/],
      ['receipts:save-pdf', { receiptId: 'rcpt_1', folder: '/tmp' }, /./],
      ['directory:add-method', { methodId: 'paypal', endpoint: 'x' }, /onchain, lightning or lnurl/],
      ['directory:add-method', { methodId: 'onchain', endpoint: '   ' }, /Enter the address/],
      ['directory:set-watch-only', { key: `xprv${'A'.repeat(107)}` }, /PRIVATE key/],
      ['directory:set-watch-only', { key: 'zpub123' }, /111 characters/],
    ]
    for (const [command, request, message] of cases) expect(refuse(command, request)).toMatch(message)
    expect(cases.length).toBe(25)
  })

  it('normalise what a person pastes: pubky/pk: prefixes, whitespace', () => {
    const r = requestSchemas['subscribers:propose'].parse({
      subscriber: `  pubky${KEY.toUpperCase()} `,
      amountSats: 1000,
      frequency: { kind: 'custom', days: 10 },
      method: 'onchain',
      description: 'Plan',
    })
    expect(r.subscriber).toBe(KEY)
    expect(
      requestSchemas['requests:send'].parse({
        to: `pk:${KEY}`,
        amountSats: 1,
        method: 'lightning',
        description: '',
      }).to,
    ).toBe(KEY)
  })

  it('live method checks say what is wrong and accept well-formed values', () => {
    expect(methodProblem('lightning', 'shop@example.com')).toBeNull()
    expect(
      methodProblem(
        'lnurl',
        'lnurl1dp68gurn8ghj7um9wfmxjcm99e3k7mf0v9cxj0m385ekvcenxc6r2c35xvukxefcv5mkvv34x5ekzd3ev56nyd3hxqurzepexejxxepnxscrvwfnv9nxzcn9xq6xyefhvgcxxcmyxymnserxfq5fns',
      ),
    ).toBeNull()
    expect(methodProblem('lnurl', 'lnbcrt1' + 'q'.repeat(80))).toMatch(/not an invoice/)
    expect(methodProblem('onchain', 'bcrt1qzatxkwtzwyn4ukrw8hltzty73pwjd6j2t4xnsk')).toBeNull()
    expect(methodProblem('onchain', 'bc1Qzatxkwtzwyn4ukrw8hltzty73pwjd6j2t4xnsk')).toMatch(/lower case/)
    expect(methodProblem('onchain', 'hello')).toMatch(/starts with/)
    expect(watchOnlyProblem('')).toMatch(/Enter/)
    expect(watchOnlyProblem('sh(wpkh(xpub))')).toMatch(/wpkh/)
  })
})

describe('access policy for engine commands', () => {
  const owner = { hasIdentity: true, unlocked: true, cashierMode: false }
  const cashier = { ...owner, cashierMode: true }
  const locked = { ...owner, unlocked: false }

  it('a cashier can charge and look things up, but not change methods, export or manage subscribers', () => {
    const cashierMay = [
      'checkout:start',
      'checkout:cancel',
      'checkout:get',
      'receipts:search',
      'receipts:get',
      'receipts:summary',
      'subscribers:view',
      'directory:methods',
      'engine:listener',
    ]
    const ownerOnly = [
      'receipts:export-csv',
      'directory:add-method',
      'directory:remove-method',
      'directory:set-watch-only',
      'subscribers:propose',
      'subscribers:pause',
      'subscribers:resume',
      'subscribers:cancel',
      'subscribers:bill',
      'requests:send',
    ]
    for (const c of cashierMay) expect(checkAccess(COMMAND_ACCESS[c as CommandName], cashier), c).toBeNull()
    for (const c of ownerOnly) {
      expect(checkAccess(COMMAND_ACCESS[c as CommandName], cashier), c).toMatchObject({ code: 'forbidden' })
      expect(checkAccess(COMMAND_ACCESS[c as CommandName], owner), c).toBeNull()
    }
  })

  it('every engine command is gated while locked (the engine runs on, the UI does not)', () => {
    const engineDomains = /^(engine|checkout|receipts|requests|subscribers|directory):/
    const names = COMMAND_NAMES.filter((n) => engineDomains.test(n))
    expect(names).toHaveLength(27)
    for (const n of names) expect(checkAccess(COMMAND_ACCESS[n], locked), n).toMatchObject({ code: 'locked' })
  })

  it('the dispatcher refuses a cashier before the handler runs, and a bad request changes nothing', async () => {
    const ran: string[] = []
    const router = new Proxy({}, { get: (_t, name) => async () => void ran.push(String(name)) }) as Router
    let state = cashier
    const dispatch = createDispatcher({ router, access: () => state, log: memoryLogger() })
    expect(await dispatch('subscribers:bill', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(
      await dispatch('checkout:start', { amountMinor: -1, tipMinor: 0, currency: 'SAT', memo: '' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    expect(ran).toEqual([])
    expect(
      await dispatch('checkout:start', { amountMinor: 5, tipMinor: 0, currency: 'SAT', memo: '' }),
    ).toMatchObject({ ok: true })
    state = owner
    expect(await dispatch('subscribers:bill', {})).toMatchObject({ ok: true })
    expect(ran).toEqual(['checkout:start', 'subscribers:bill'])
  })
})

describe('engine errors across IPC', () => {
  it('keep their meaning: input, not found, conflict, homeserver down, engine gone', () => {
    const e = (name: string, code: string) => new EngineCallError({ name, code, message: 'm' })
    expect(engineErrorCode(e('MethodError', 'wrong-network'))).toBe('invalid-input')
    expect(engineErrorCode(e('InputError', 'invalid-input'))).toBe('invalid-input')
    expect(engineErrorCode(e('CheckoutError', 'unknown-checkout'))).toBe('not-found')
    expect(engineErrorCode(e('CheckoutError', 'checkout-closed'))).toBe('conflict')
    expect(engineErrorCode(e('PubkyGatewayError', 'network'))).toBe('unavailable')
    expect(engineErrorCode(e('Exit', 'engine-exited'))).toBe('unavailable')
    expect(engineErrorCode(e('TypeError', 'internal'))).toBe('internal')
    expect(engineErrorCode(new Error('x'))).toBe('internal')
  })

  it('frequencies and homeserver choices map to the engine’s terms', () => {
    expect(frequencyText({ kind: 'daily' })).toBe('daily')
    expect(frequencyText({ kind: 'monthly', day: 15 })).toBe('monthly:15')
    expect(frequencyText({ kind: 'custom', days: 2 })).toBe('custom:172800')
    expect(frequencyText({ kind: 'yearly', month: 3, day: 14 })).toBe('yearly:03-14')
    expect(networkFor({ kind: 'embedded' })).toEqual({ kind: 'embedded' })
    expect(networkFor({ kind: 'hosted', homeserver: KEY, signupToken: 'tok' })).toEqual({
      kind: 'hosted',
      homeserver: KEY,
      signupToken: 'tok',
    })
    expect(networkFor({ kind: 'hosted', homeserver: KEY, signupToken: '' })).toEqual({
      kind: 'hosted',
      homeserver: KEY,
    })
  })
})
