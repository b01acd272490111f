// The plan form's Yearly option (month/day picker, live validation, what it sends), the subscribers
// list naming plans ("Yearly on 14 Mar"), and the receipt's Save as PDF button (desktop: asks main,
// says where it went; browser: no button, the print dialog is the way). Against a fake window.pos:
// the bridge is the renderer's boundary (the main process does not run in jsdom).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import type { ReceiptDetail, ReceiptRow, SubscribersModel } from '@shared/domain/checkout'
import type { AppInfo } from '@shared/domain/session'
import ProposeForm from '@renderer/components/subscribers/ProposeForm.vue'
import SubscribersView from '@renderer/views/SubscribersView.vue'
import ReceiptsView from '@renderer/views/ReceiptsView.vue'
import { useAppStore } from '@renderer/stores/app'
import { useEngineStore } from '@renderer/stores/engine'
import { useSessionStore } from '@renderer/stores/session'
import { fail, installFakePos, ok } from './fake-pos'

const KEY = 'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo'

afterEach(() => {
  delete (window as { pos?: unknown }).pos
  vi.useRealTimers()
})

const pinia = () => createTestingPinia({ createSpy: vi.fn, stubActions: false })

describe('ProposeForm: a yearly plan', () => {
  it('offers Yearly with a month/day picker, validates as the merchant types, and sends {yearly, month, day}', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 6, 10, 12) })
    const fake = installFakePos({ 'subscribers:propose': () => ok({ subscriptionId: 'sub_9' }) })
    const w = mount(ProposeForm, { global: { plugins: [pinia()] } })
    const options = w.get('[data-testid="propose-frequency"]').findAll('option')
    expect(options.map((o) => o.text())).toContain('Yearly, on a date')
    expect(w.find('[data-testid="propose-year-month"]').exists()).toBe(false)

    await w.get('[data-testid="propose-key"]').setValue(KEY)
    await w.get('[data-testid="propose-amount"]').setValue('36500')
    await w.get('[data-testid="propose-description"]').setValue('Annual membership')
    await w.get('[data-testid="propose-frequency"]').setValue('yearly')
    // Defaults to today (UTC): the first charge is due when the customer accepts.
    const month = w.get('[data-testid="propose-year-month"]')
    expect((month.element as HTMLSelectElement).value).toBe('7')
    expect(month.findAll('option')).toHaveLength(12)
    expect(w.get('[data-testid="propose-year-hint"]').text()).toBe(
      'Bills every 10 July · first charge when the customer accepts',
    )

    const submit = () => w.get('[data-testid="propose-submit"]')
    // February 30 does not exist: said at once, and the form will not submit.
    await month.setValue('2')
    await w.get('[data-testid="propose-year-day"]').setValue('30')
    expect(w.get('[data-testid="propose-year-problem"]').text()).toBe('February has days 1 to 29')
    expect(w.get('[data-testid="propose-year-day"]').attributes('aria-invalid')).toBe('true')
    expect(submit().attributes('disabled')).toBeDefined()
    await w.get('[data-testid="propose-year-day"]').setValue('')
    expect(w.get('[data-testid="propose-year-problem"]').text()).toBe('February has days 1 to 29')
    await w.get('[data-testid="propose-year-day"]').setValue('31')
    await month.setValue('4')
    expect(w.get('[data-testid="propose-year-problem"]').text()).toBe('April has days 1 to 30')

    // February 29 is allowed; in common years it bills on the 28th.
    await month.setValue('2')
    await w.get('[data-testid="propose-year-day"]').setValue('29')
    expect(w.find('[data-testid="propose-year-problem"]').exists()).toBe(false)
    expect(w.get('[data-testid="propose-year-hint"]').text()).toBe(
      'Bills every 29 February (28 February in common years) · first charge 2027-02-28, free until then',
    )

    await month.setValue('3')
    await w.get('[data-testid="propose-year-day"]').setValue('14')
    expect(w.get('[data-testid="propose-year-hint"]').text()).toContain('first charge 2027-03-14')
    expect(submit().attributes('disabled')).toBeUndefined()
    await w.get('[data-testid="propose-form"]').trigger('submit')
    await flushPromises()
    expect(fake.calls).toEqual([
      {
        command: 'subscribers:propose',
        request: {
          subscriber: KEY,
          amountSats: 36_500,
          frequency: { kind: 'yearly', month: 3, day: 14 },
          method: 'lightning',
          description: 'Annual membership',
        },
      },
    ])
    expect(w.get('[data-testid="proposed"]').text()).toContain('sub_9')
  })
})

describe('SubscribersView: plan names', () => {
  it('lists each subscriber with its plan in words', async () => {
    const row = (id: string, plan: string) => ({
      subscriptionId: id,
      subscriber: KEY,
      description: 'Membership',
      plan,
      status: 'active',
      amountSats: 36_500,
      nextChargeAt: null,
      lastPaidAt: null,
      overdueDays: 0,
      unpaidPeriods: 0,
      unpaidSats: 0,
    })
    const model: SubscribersModel = {
      subscribers: [row('sub_1', 'Yearly on 14 Mar'), row('sub_2', 'Monthly on day 1')],
      mrrSats: 3000,
      churn: { activeAtStart: 0, churned: 0, rate: 0 },
    }
    installFakePos({ 'subscribers:view': () => ok(model) })
    const w = mount(SubscribersView, { global: { plugins: [pinia()] } })
    useEngineStore().status = { state: 'running', problem: null }
    await flushPromises()
    expect(w.get('[data-testid="sub-row-sub_1"] [data-testid="sub-plan"]').text()).toBe('Yearly on 14 Mar')
    expect(w.get('[data-testid="sub-row-sub_2"] [data-testid="sub-plan"]').text()).toBe('Monthly on day 1')
    w.unmount()
  })
})

describe('SubscribersView: a Ring-linked till', () => {
  it('explains that proposing needs the identity key instead of offering a form that would fail', async () => {
    const model: SubscribersModel = {
      subscribers: [],
      mrrSats: 0,
      churn: { activeAtStart: 0, churned: 0, rate: 0 },
    }
    installFakePos({ 'subscribers:view': () => ok(model) })
    const w = mount(SubscribersView, { global: { plugins: [pinia()] } })
    useEngineStore().status = { state: 'running', problem: null }
    const session = useSessionStore()
    const base = {
      identity: {
        publicKey: KEY,
        uri: `pubky://${KEY}`,
        createdAt: 0,
        homeserver: { kind: 'embedded' as const },
      },
      ringSession: null,
      locked: false,
      cashierMode: false,
      lockAt: null,
    }
    session.state = { ...base, identityKind: 'key' }
    await flushPromises()
    expect(w.find('[data-testid="propose-form"]').exists()).toBe(true)
    expect(w.find('[data-testid="ring-no-propose"]').exists()).toBe(false)

    session.state = { ...base, identityKind: 'ring', ringSession: 'linked' }
    await flushPromises()
    expect(w.find('[data-testid="propose-form"]').exists()).toBe(false)
    expect(w.get('[data-testid="ring-no-propose"]').text()).toContain('stays in Pubky Ring')
    w.unmount()
  })
})

describe('ReceiptsView: save as PDF', () => {
  const row: ReceiptRow = {
    receiptId: 'rcpt_1',
    payer: KEY,
    checkoutId: 'chk_1',
    subscriptionId: null,
    requestId: null,
    method: 'Lightning',
    amountSats: 2100,
    tipSats: 0,
    memo: null,
    createdAt: 5,
    proofVerified: true,
  }
  const detail: ReceiptDetail = {
    ...row,
    payee: KEY,
    amount: '2100',
    currency: 'SAT',
    endpoint: null,
    proofType: 'lightning-preimage',
    proofValue: 'ab'.repeat(32),
    proofVerifiedAt: 6,
    peer: null,
  }
  const summary = { from: 0, to: 1, count: 0, grossSats: 0, tipsSats: 0, salesSats: 0, byMethod: [] }

  async function openReceipt(
    shell: AppInfo['shell'],
    savePdf: () => ReturnType<typeof ok> | ReturnType<typeof fail>,
  ) {
    const fake = installFakePos({
      'receipts:search': () => ok({ items: [row], cursor: null }),
      'receipts:summary': () => ok(summary),
      'receipts:get': () => ok(detail),
      'receipts:save-pdf': savePdf,
    })
    const w = mount(ReceiptsView, { global: { plugins: [pinia()] } })
    useAppStore().info = {
      name: 'Paykit POS',
      version: 't',
      shell,
      secretStore: { kind: 'file', warning: null },
      pinRule: { minLength: 6, digitsOnly: false, hint: '' },
    }
    useEngineStore().status = { state: 'running', problem: null }
    await flushPromises()
    await w.get('[data-testid="receipt-row-rcpt_1"]').trigger('click')
    await flushPromises()
    return { w, fake }
  }

  it('desktop: the button asks main to save this receipt and says which file it wrote', async () => {
    const { w, fake } = await openReceipt('electron', () =>
      ok({ saved: true, fileName: 'paykit-receipt-rcpt_1.pdf', bytes: 1234 }),
    )
    expect(w.get('[data-testid="receipt-print"]').text()).toBe('Print')
    await w.get('[data-testid="receipt-save-pdf"]').trigger('click')
    await flushPromises()
    expect(fake.calls.filter((c) => c.command === 'receipts:save-pdf')).toEqual([
      { command: 'receipts:save-pdf', request: { receiptId: 'rcpt_1' } },
    ])
    expect(w.get('[data-testid="receipt-pdf-saved"]').text()).toBe('Saved paykit-receipt-rcpt_1.pdf')
    w.unmount()
  })

  it('desktop: a cancelled dialog says nothing; a refusal shows its message', async () => {
    let answer = ok({ saved: false, fileName: null, bytes: 0 }) as
      ReturnType<typeof ok> | ReturnType<typeof fail>
    const { w } = await openReceipt('electron', () => answer)
    await w.get('[data-testid="receipt-save-pdf"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="receipt-pdf-saved"]').exists()).toBe(false)
    answer = fail('storage', 'Could not save r.pdf (EACCES). Choose another folder.')
    await w.get('[data-testid="receipt-save-pdf"]').trigger('click')
    await flushPromises()
    expect(w.text()).toContain('Could not save r.pdf (EACCES)')
    expect(w.find('[data-testid="receipt-pdf-saved"]').exists()).toBe(false)
    w.unmount()
  })

  it('browser mode: no direct save; Print and a hint to pick "Save as PDF" in the print dialog', async () => {
    const { w, fake } = await openReceipt('browser', () => fail('unavailable', 'desktop only'))
    expect(w.find('[data-testid="receipt-save-pdf"]').exists()).toBe(false)
    expect(w.get('[data-testid="receipt-print"]').text()).toBe('Print / save as PDF')
    expect(w.get('[data-testid="receipt-pdf-hint"]').text()).toContain('“Save as PDF” as the printer')
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined)
    await w.get('[data-testid="receipt-print"]').trigger('click')
    expect(print).toHaveBeenCalledTimes(1)
    expect(fake.calls.some((c) => c.command === 'receipts:save-pdf')).toBe(false)
    print.mockRestore()
    w.unmount()
  })
})
