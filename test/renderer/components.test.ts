import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import jsQR from 'jsqr'
import Keypad from '@renderer/components/checkout/Keypad.vue'
import TipSelector from '@renderer/components/checkout/TipSelector.vue'
import Countdown from '@renderer/components/checkout/Countdown.vue'
import PaidScreen from '@renderer/components/checkout/PaidScreen.vue'
import QrCode from '@renderer/components/common/QrCode.vue'
import HomeserverChooser from '@renderer/components/onboarding/HomeserverChooser.vue'
import PinForm from '@renderer/components/onboarding/PinForm.vue'
import CheckoutView from '@renderer/views/CheckoutView.vue'
import { useCheckoutStore } from '@renderer/stores/checkout'
import { checkPhrase } from '@renderer/lib/phrase'
import { fail, installFakePos } from './fake-pos'

afterEach(() => {
  delete (window as { pos?: unknown }).pos
})

/** Rasterises the component's SVG path (unit squares "Mx yh1v1h-1z") and decodes it with jsQR. */
function decodeSvg(svg: Element): string | null {
  const n = Number(svg.getAttribute('viewBox')!.split(' ')[2])
  const d = svg.querySelector('path')!.getAttribute('d')!
  const scale = 4
  const size = n * scale
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255)
  let modules = 0
  for (const m of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    modules++
    const x0 = Number(m[1]) * scale
    const y0 = Number(m[2]) * scale
    for (let y = y0; y < y0 + scale; y++)
      for (let x = x0; x < x0 + scale; x++) {
        const i = (y * size + x) * 4
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0
      }
  }
  expect(modules).toBeGreaterThan(100)
  return jsQR(rgba, size, size)?.data ?? null
}

describe('QrCode', () => {
  it('draws a QR that decodes back to the text', () => {
    const text = 'pubkyo1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo'
    const w = mount(QrCode, { props: { text, label: 'key' } })
    const svg = w.find('[data-testid="qr"]')
    expect(svg.attributes('aria-label')).toBe('key')
    expect(decodeSvg(svg.element)).toBe(text)
  })

  it('shows a message, not a crash, for text too long to encode', () => {
    const w = mount(QrCode, { props: { text: 'x'.repeat(5000), label: 'big' } })
    expect(w.find('[data-testid="qr"]').exists()).toBe(false)
    expect(w.find('[role="alert"]').text()).toMatch(/QR code unavailable/)
  })
})

describe('Keypad', () => {
  it('emits each key, and nothing when disabled', async () => {
    const w = mount(Keypad)
    await w.find('[data-key="7"]').trigger('click')
    await w.find('[data-key="00"]').trigger('click')
    await w.find('[data-key="back"]').trigger('click')
    expect(w.emitted('press')).toEqual([['7'], ['00'], ['back']])
    expect(w.findAll('button')).toHaveLength(12)
    await w.setProps({ disabled: true })
    expect(w.find('[data-key="1"]').attributes('disabled')).toBeDefined()
  })
})

describe('TipSelector', () => {
  it('picks a preset and validates a custom tip as it is typed', async () => {
    const w = mount(TipSelector, {
      props: { presets: [5, 10], tip: { kind: 'none' }, currency: 'USD', tipMinor: 0 },
    })
    await w.find('[data-testid="tip-10"]').trigger('click')
    expect(w.emitted('change')?.[0]).toEqual([{ kind: 'percent', percent: 10 }])
    await w.find('[data-testid="tip-custom"]').trigger('click')
    const input = w.find('[data-testid="tip-custom-input"]')
    await input.setValue('2.505')
    expect(w.find('.field-error').text()).toMatch(/at most 2 decimals/)
    await input.setValue('<script>')
    expect(w.find('.field-error').exists()).toBe(true)
    await input.setValue('2.5')
    expect(w.find('.field-error').exists()).toBe(false)
    await input.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('change')?.at(-1)).toEqual([{ kind: 'custom', minor: 250 }])
  })
})

describe('Countdown and PAID', () => {
  it('counts down from the deadline with an injected clock', () => {
    const w = mount(Countdown, { props: { expiresAt: 95_000, now: () => 0 } })
    expect(w.text()).toContain('1:35')
    expect(w.classes()).not.toContain('countdown-low')
  })

  it('the PAID screen shows the amount and plays the chime when sound is on', async () => {
    const start = vi.fn()
    const osc = {
      type: '',
      frequency: { value: 0 },
      connect: () => ({ connect: () => undefined }),
      start,
      stop: vi.fn(),
    }
    const gain = {
      gain: { setValueAtTime: vi.fn(), exponentialRampToValueAtTime: vi.fn() },
      connect: vi.fn(),
    }
    class FakeAudio {
      currentTime = 0
      destination = {}
      createOscillator = () => osc
      createGain = () => gain
      close = async () => undefined
    }
    vi.stubGlobal('AudioContext', FakeAudio)
    const paid = {
      checkoutId: 'c',
      totalMinor: 21000,
      currency: 'SAT' as const,
      paidAt: 0,
      method: 'Lightning',
      receiptId: 'r',
    }
    const w = mount(PaidScreen, { props: { paid, sound: true } })
    expect(w.text()).toContain('PAID')
    expect(w.find('[data-testid="amount"]').text()).toContain('21,000')
    expect(start).toHaveBeenCalledTimes(2)
    await w.find('[data-testid="new-sale"]').trigger('click')
    expect(w.emitted('next')).toHaveLength(1)
    vi.unstubAllGlobals()
  })
})

describe('forms validate as you type', () => {
  it('HomeserverChooser: a malformed pasted key is explained, a good one (with prefix) is accepted', async () => {
    const w = mount(HomeserverChooser, { props: { modelValue: { kind: 'embedded' } } })
    await w.find('[data-testid="hs-hosted"]').setValue(true)
    await w.find('[data-testid="hs-key"]').setValue('https://evil.example/%00\u202e')
    expect(w.find('.field-error').text()).toMatch(/52 z-base-32 characters/)
    expect(w.emitted('valid')?.at(-1)).toEqual([false])
    await w
      .find('[data-testid="hs-key"]')
      .setValue('  pubkyO1GG96EWUOJMOPCJBZ8895478WDTXTZZUXNFJJZ8O8E77CSA1NGO ')
    await w.find('[data-testid="hs-token"]').setValue('abc-123')
    expect(w.emitted('valid')?.at(-1)).toEqual([true])
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([
      {
        kind: 'hosted',
        homeserver: 'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo',
        signupToken: 'abc-123',
      },
    ])
  })

  it('PinForm: too short and mismatched PINs are explained; submit only when valid', async () => {
    const w = mount(PinForm, {
      props: {
        rule: { minLength: 8, digitsOnly: false, hint: 'At least 8 characters.' },
        busy: false,
        submitLabel: 'Go',
      },
    })
    await w.find('[data-testid="pin"]').setValue('123')
    expect(w.text()).toContain('Too short')
    await w.find('[data-testid="pin"]').setValue('12345678')
    await w.find('[data-testid="pin-again"]').setValue('12345679')
    expect(w.text()).toContain('The two PINs differ')
    expect(w.find('[data-testid="pin-submit"]').attributes('disabled')).toBeDefined()
    await w.find('[data-testid="pin-again"]').setValue('12345678')
    await w.find('form').trigger('submit')
    expect(w.emitted('submit')).toEqual([['12345678']])
  })

  it('checkPhrase explains unknown words, counts and checksums', () => {
    expect(checkPhrase('')).toMatchObject({ ok: false, problem: expect.stringMatching(/Type or paste/) })
    expect(checkPhrase('abandon xyzzy')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('Word 2 ("xyzzy")'),
    })
    expect(checkPhrase('abandon abandon')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('2 words so far'),
    })
    expect(checkPhrase(Array(12).fill('abandon').join(' '))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('checksum'),
    })
    expect(checkPhrase(`${Array(11).fill('abandon').join(' ')} ABOUT`)).toEqual({ ok: true, words: 12 })
    expect(checkPhrase('\u0000'.repeat(10000)).ok).toBe(false)
  })
})

describe('CheckoutView keyboard', () => {
  it('digits, Backspace and Enter drive the keypad; Enter without an engine shows the reason', async () => {
    installFakePos({ 'checkout:start': () => fail('unavailable', 'The payment engine is still starting.') })
    const w = mount(CheckoutView, {
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false })] },
      attachTo: document.body,
    })
    const key = (k: string) => window.dispatchEvent(new KeyboardEvent('keydown', { key: k }))
    key('4')
    key('2')
    key('0')
    key('Backspace')
    await flushPromises()
    const store = useCheckoutStore()
    expect(store.amountMinor).toBe(42)
    expect(w.find('[data-testid="amount"]').text()).toContain('42')
    key('Enter')
    await flushPromises()
    expect(w.find('[role="alert"]').attributes('data-code')).toBe('unavailable')
    w.unmount()
  })
})
