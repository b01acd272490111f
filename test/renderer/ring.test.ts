// "Sign in with Pubky Ring" in the renderer: the onboarding store's pairing steps, the QR screen,
// and Settings on a Ring-linked till (no key export, "Pair again" when the session expired).
// The bridge (window.pos) is the boundary: fake-pos answers as main would.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import { setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import jsQR from 'jsqr'
import OnboardingView from '@renderer/views/OnboardingView.vue'
import SettingsView from '@renderer/views/SettingsView.vue'
import { useOnboardingStore } from '@renderer/stores/onboarding'
import { useSessionStore } from '@renderer/stores/session'
import { useSettingsStore } from '@renderer/stores/settings'
import { DEFAULT_SETTINGS } from '@shared/domain/settings'
import type { RingApproval, SessionState } from '@shared/domain/session'
import type { IpcResult } from '@shared/ipc/result'
import { fail, installFakePos, ok } from './fake-pos'

const KEY = 'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo'
const URL_1 = 'pubkyauth://signin?caps=/pub/paykit.app/v0/:rw&secret=c2VjcmV0&relay=http://127.0.0.1:1/link'
const PAIRING = { pairingId: 'a'.repeat(32), url: URL_1, expiresAt: 9_999_999_999_999 }
const ringTill: SessionState = {
  identity: { publicKey: KEY, uri: `pubky${KEY}`, createdAt: 1, homeserver: { kind: 'embedded' } },
  identityKind: 'ring',
  ringSession: 'linked',
  locked: false,
  cashierMode: false,
  lockAt: null,
}

/** A ring-wait answer the test releases when it wants (the phone approving later). */
function deferred() {
  let release: (r: IpcResult<RingApproval>) => void = () => {}
  const promise = new Promise<IpcResult<RingApproval>>((r) => (release = r))
  return { answer: () => promise, release }
}

function decodeSvg(svg: Element): string | null {
  const n = Number(svg.getAttribute('viewBox')!.split(' ')[2])
  const d = svg.querySelector('path')!.getAttribute('d')!
  const scale = 4
  const size = n * scale
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255)
  for (const m of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let y = Number(m[2]) * scale; y < (Number(m[2]) + 1) * scale; y++)
      for (let x = Number(m[1]) * scale; x < (Number(m[1]) + 1) * scale; x++) {
        const i = (y * size + x) * 4
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0
      }
  }
  return jsQR(rgba, size, size)?.data ?? null
}

afterEach(() => {
  delete (window as { pos?: unknown }).pos
})

describe('onboarding store: Pubky Ring', () => {
  beforeEach(() => setActivePinia(createTestingPinia({ createSpy: vi.fn, stubActions: false })))

  it('homeserver → QR → approval → PIN → a Ring-linked session', async () => {
    const wait = deferred()
    const fake = installFakePos({
      'identity:ring-start': () => ok(PAIRING),
      'identity:ring-wait': wait.answer,
      'identity:ring-finish': () => ok(ringTill),
    })
    const o = useOnboardingStore()
    o.startRing()
    expect(o.mode).toBe('ring')
    expect(o.step).toBe('homeserver')
    expect(await o.openRing()).toBe(true)
    expect(o.step).toBe('ring')
    expect(o.ringPairing).toEqual(PAIRING)
    expect(fake.calls.find((c) => c.command === 'identity:ring-start')?.request).toEqual({
      homeserver: { kind: 'embedded' },
    })
    // Finishing before approval is refused locally, without a call.
    expect(await o.finishRing('1234-5678')).toBe(false)
    expect(fake.calls.some((c) => c.command === 'identity:ring-finish')).toBe(false)

    wait.release(ok({ publicKey: KEY }))
    await flushPromises()
    expect(o.step).toBe('pin')
    expect(o.ringApproval).toEqual({ publicKey: KEY })
    expect(await o.finishRing('1234-5678')).toBe(true)
    expect(fake.calls.find((c) => c.command === 'identity:ring-finish')?.request).toEqual({
      pairingId: PAIRING.pairingId,
      pin: '1234-5678',
    })
    expect(o.step).toBe('done')
    expect(useSessionStore().ringLinked).toBe(true)
  })

  it('a denied or timed-out approval shows its reason; cancel closes the pairing in main', async () => {
    const wait = deferred()
    const fake = installFakePos({
      'identity:ring-start': () => ok(PAIRING),
      'identity:ring-wait': wait.answer,
      'identity:ring-cancel': () => ok({}),
    })
    const o = useOnboardingStore()
    o.startRing()
    await o.openRing()
    wait.release(fail('unavailable', 'Pubky Ring did not approve within 600 s; show a new QR code'))
    await flushPromises()
    expect(o.step).toBe('ring')
    expect(o.ringPairing).toBeNull()
    expect(o.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('600 s') })

    // A new code; then cancel: main hears about it, and a late answer for it changes nothing.
    const late = deferred()
    fake.calls.length = 0
    ;(window.pos as unknown as Record<string, unknown>)['identity:ring-wait'] = late.answer
    await o.openRing()
    expect(o.error).toBeNull()
    await o.cancelRing()
    expect(fake.calls.filter((c) => c.command === 'identity:ring-cancel')).toHaveLength(1)
    expect(o.step).toBe('welcome')
    late.release(ok({ publicKey: KEY }))
    await flushPromises()
    expect(o.step).toBe('welcome')
    expect(o.ringApproval).toBeNull()
  })
})

describe('OnboardingView: Sign in with Pubky Ring', () => {
  it('shows a QR that decodes to the pubkyauth URL, the URL to copy, and waits; then the PIN step', async () => {
    const wait = deferred()
    installFakePos({
      'identity:ring-start': () => ok(PAIRING),
      'identity:ring-wait': wait.answer,
      'identity:ring-cancel': () => ok({}),
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: {} }] })
    const w = mount(OnboardingView, {
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false }), router] },
    })
    await w.find('[data-testid="start-ring"]').trigger('click')
    await flushPromises()
    await w.find('[data-testid="homeserver-next"]').trigger('click')
    await flushPromises()
    expect(w.find('h1').text()).toBe('Sign in with Pubky Ring')
    expect(decodeSvg(w.find('[data-testid="ring-pair"] [data-testid="qr"]').element)).toBe(URL_1)
    expect((w.find('[data-testid="ring-url"]').element as HTMLInputElement).value).toBe(URL_1)
    expect(w.find('[data-testid="ring-waiting"]').text()).toContain('Waiting for approval in Pubky Ring')

    wait.release(ok({ publicKey: KEY }))
    await flushPromises()
    expect(w.find('h1').text()).toBe('Choose a PIN')
    expect(w.find('[data-testid="ring-approved"]').text()).toContain(KEY.slice(0, 12))
    w.unmount()
  })

  it('an error leaves a "Show a new code" button that opens a fresh pairing', async () => {
    let starts = 0
    installFakePos({
      'identity:ring-start': () =>
        ++starts === 1 ? fail('unavailable', 'The link relay is down') : ok(PAIRING),
      'identity:ring-wait': () => new Promise(() => {}),
      'identity:ring-cancel': () => ok({}),
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: {} }] })
    const w = mount(OnboardingView, {
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false }), router] },
    })
    await w.find('[data-testid="start-ring"]').trigger('click')
    await w.find('[data-testid="homeserver-next"]').trigger('click')
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('The link relay is down')
    await w.find('[data-testid="ring-retry"]').trigger('click')
    await flushPromises()
    expect(starts).toBe(2)
    expect(w.find('[data-testid="ring-url"]').exists()).toBe(true)
    expect(w.find('[role="alert"]').exists()).toBe(false)
    w.unmount()
  })
})

describe('SettingsView on a Ring-linked till', () => {
  function mountSettings(state: SessionState, answers: Parameters<typeof installFakePos>[0] = {}) {
    const fake = installFakePos({ 'engine:status': () => ok({ state: 'failed', problem: 'x' }), ...answers })
    const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false })
    setActivePinia(pinia)
    useSessionStore().apply(state)
    useSettingsStore().settings = { ...DEFAULT_SETTINGS }
    const w = mount(SettingsView, { global: { plugins: [pinia] } })
    return { w, fake }
  }

  it('says the key stays on the phone and offers no key export or backup', async () => {
    const { w } = mountSettings(ringTill)
    await flushPromises()
    expect(w.find('[data-testid="ring-linked"]').text()).toContain('Linked through Pubky Ring')
    expect(w.find('[data-testid="ring-linked"]').text()).toContain('the identity key stays on your phone')
    expect(w.find('[data-testid="export-recovery"]').exists()).toBe(false)
    expect(w.find('[data-testid="export-backup"]').exists()).toBe(false)
    expect(w.find('[data-testid="ring-no-export"]').exists()).toBe(true)
    expect(w.find('[data-testid="ring-expired"]').exists()).toBe(false)
    w.unmount()
  })

  it('an expired session shows "Pair again": QR, approval, PIN, and the session is linked again', async () => {
    const wait = deferred()
    const { w, fake } = mountSettings(
      { ...ringTill, ringSession: 'expired' },
      {
        'identity:ring-relink': () => ok(PAIRING),
        'identity:ring-wait': wait.answer,
        'identity:ring-relink-finish': () => ok(ringTill),
      },
    )
    await flushPromises()
    expect(w.find('[data-testid="ring-expired"]').text()).toContain('Pair this till with Pubky Ring again')
    await w.find('[data-testid="ring-relink"]').trigger('click')
    await flushPromises()
    expect(decodeSvg(w.find('[data-testid="ring-pair"] [data-testid="qr"]').element)).toBe(URL_1)
    wait.release(ok({ publicKey: KEY }))
    await flushPromises()
    await w.find('[data-testid="ring-relink-pin"]').setValue('1234-5678')
    await w
      .find('[data-testid="ring-relink-pin"]')
      .element.closest('form')!
      .dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(fake.calls.find((c) => c.command === 'identity:ring-relink-finish')?.request).toEqual({
      pairingId: PAIRING.pairingId,
      pin: '1234-5678',
    })
    expect(useSessionStore().ringExpired).toBe(false)
    expect(w.find('[data-testid="ring-expired"]').exists()).toBe(false)
    w.unmount()
  })

  it('a key-holding till still offers both exports', async () => {
    const { w } = mountSettings({ ...ringTill, identityKind: 'key', ringSession: null })
    await flushPromises()
    expect(w.find('[data-testid="ring-linked"]').exists()).toBe(false)
    expect(w.find('[data-testid="export-recovery"]').exists()).toBe(true)
    expect(w.find('[data-testid="export-backup"]').exists()).toBe(true)
    w.unmount()
  })
})
