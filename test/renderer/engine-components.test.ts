// Engine screen components in jsdom: the payment panel's QR per method, its states, the methods
// form's live validation, and the MRR chart.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import type { CheckoutSession } from '@shared/domain/checkout'
import PaymentPanel from '@renderer/components/checkout/PaymentPanel.vue'
import MethodsForm from '@renderer/components/settings/MethodsForm.vue'
import MrrChart from '@renderer/components/subscribers/MrrChart.vue'
import { useEngineStore } from '@renderer/stores/engine'
import { installFakePos, ok } from './fake-pos'

const KEY = 'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo'
const session: CheckoutSession = {
  checkoutId: 'chk_1',
  qr: `pubky://${KEY}?paykit=checkout&id=chk_1&amount=2100`,
  amountMinor: 2100,
  tipMinor: 0,
  totalMinor: 2100,
  currency: 'SAT',
  createdAt: 1,
  expiresAt: Date.now() + 60_000,
  lightningInvoice: 'lnbcrt21u1pjtest',
  onchainAddress: 'bcrt1qzatxkwtzwyn4ukrw8hltzty73pwjd6j2t4xnsk',
  endpoint: { merchant: KEY, host: '127.0.0.1', port: 1 },
}

afterEach(() => delete (window as { pos?: unknown }).pos)

describe('PaymentPanel', () => {
  it('shows the checkout URI by default, then each method’s own endpoint; live status and states', async () => {
    const w = mount(PaymentPanel, { props: { session, state: 'awaiting', receivedSats: 0 } })
    expect(w.get('[data-testid="payment-endpoint"]').text()).toBe(session.qr)
    expect(w.get('[data-testid="payment-status"]').text()).toContain('Waiting for payment')
    await w.get('[data-testid="pay-tab-lightning"]').trigger('click')
    expect(w.get('[data-testid="payment-endpoint"]').text()).toBe('lnbcrt21u1pjtest')
    await w.get('[data-testid="pay-tab-onchain"]').trigger('click')
    expect(w.get('[data-testid="payment-endpoint"]').text()).toBe(session.onchainAddress)
    await w.setProps({ receivedSats: 1000 })
    expect(w.get('[data-testid="payment-status"]').text()).toMatch(/Partly paid: 1,000 of 2,100/)
    await w.setProps({ state: 'expired' })
    expect(w.find('[data-testid="payment-expired"]').exists()).toBe(true)
    expect(w.find('[data-testid="cancel-payment"]').exists()).toBe(false)
    await w.setProps({ state: 'cancelled' })
    expect(w.find('[data-testid="payment-cancelled"]').exists()).toBe(true)
    await w.get('[data-testid="payment-retry"]').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
  })

  it('offers only the methods the checkout has', () => {
    const w = mount(PaymentPanel, {
      props: { session: { ...session, onchainAddress: null }, state: 'awaiting', receivedSats: 0 },
    })
    expect(w.find('[data-testid="pay-tab-onchain"]').exists()).toBe(false)
    expect(w.find('[data-testid="pay-tab-lightning"]').exists()).toBe(true)
  })
})

describe('MethodsForm', () => {
  it('validates while typing, publishes only well-formed input, and shows the engine’s refusal inline', async () => {
    const fake = installFakePos({
      'directory:add-method': () => ({
        ok: false,
        error: { code: 'invalid-input', message: 'LNURL checksum is wrong' },
      }),
    })
    const w = mount(MethodsForm, {
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false })] },
    })
    const engine = useEngineStore()
    engine.status = { state: 'running', problem: null }
    await flushPromises()
    const publish = () => w.get('[data-testid="methods-publish"]')
    expect(publish().attributes('disabled')).toBeDefined()
    await w.get('[data-testid="method-lightning-input"]').setValue('nope')
    expect(w.text()).toContain('Enter a Lightning address')
    expect(publish().attributes('disabled')).toBeDefined()
    await w.get('[data-testid="method-watch-input"]').setValue(`xprv${'A'.repeat(107)}`)
    expect(w.text()).toContain('PRIVATE key')
    await w.get('[data-testid="method-watch-input"]').setValue('')
    await w.get('[data-testid="method-lightning-input"]').setValue('shop@example.com')
    expect(publish().attributes('disabled')).toBeUndefined()
    await publish().trigger('submit')
    await flushPromises()
    expect(fake.calls).toEqual([
      { command: 'directory:add-method', request: { methodId: 'lnurl', endpoint: 'shop@example.com' } },
    ])
    expect(w.get('[data-testid="method-lightning-error"]').text()).toBe('LNURL checksum is wrong')
  })

  it('says the engine is starting and does not publish meanwhile', async () => {
    installFakePos({ 'directory:add-method': () => ok([]) })
    const w = mount(MethodsForm, {
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false })] },
    })
    await w.get('[data-testid="method-lightning-input"]').setValue('shop@example.com')
    expect(w.get('[data-testid="engine-wait"]').text()).toContain('Starting the payment engine')
    expect(w.get('[data-testid="methods-publish"]').attributes('disabled')).toBeDefined()
  })
})

describe('MrrChart', () => {
  it('draws one point per value, scaled to the largest', () => {
    const w = mount(MrrChart, { props: { points: [0, 500, 1000] } })
    const d = w.get('path').attributes('d')!
    expect(d.split(/[ML]/).filter((p) => p.trim() !== '')).toHaveLength(3)
    expect(d).toMatch(/^M0\.0 38\.0 L80\.0 20\.0 L160\.0 2\.0$/)
  })
})
