/**
 * Ordered hydrate/dehydrate across stores. App info and the session come first: whether there is an
 * identity and whether it is unlocked decides which other stores may load at all. On lock, stores
 * holding merchant data are cleared one by one.
 */
import { useAppStore } from './app'
import { useCheckoutStore } from './checkout'
import { useEngineStore } from './engine'
import { useReceiptsStore } from './receipts'
import { useRequestsStore } from './requests'
import { useSubscribersStore } from './subscribers'
import { useSessionStore } from './session'
import { useSettingsStore } from './settings'

export async function hydrateAll(): Promise<void> {
  const app = useAppStore()
  const session = useSessionStore()
  await Promise.all([app.hydrate(), session.hydrate()])
  if (session.hasIdentity && !session.locked) await hydrateUnlocked()
}

/** Loads what needs an unlocked session. */
export async function hydrateUnlocked(): Promise<void> {
  const settings = useSettingsStore()
  await Promise.all([settings.hydrate(), useEngineStore().hydrate()])
  if (settings.settings) useCheckoutStore().currency = settings.settings.currency
}

export function dehydrateLocked(): void {
  useCheckoutStore().$reset()
  useSettingsStore().$reset()
  useEngineStore().$reset()
  useReceiptsStore().$reset()
  useRequestsStore().$reset()
  useSubscribersStore().$reset()
}
