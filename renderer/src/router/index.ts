/**
 * Routes and the lock guard: without an identity only onboarding is reachable; while locked only
 * the lock screen; once unlocked, onboarding and the lock screen send you to Checkout.
 */
import { createRouter, createWebHashHistory, type RouteRecordRaw, type Router } from 'vue-router'
import { useSessionStore } from '../stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Full-screen views without the navigation (onboarding, lock). */
    bare?: boolean
    title?: string
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/checkout' },
  {
    path: '/onboarding',
    name: 'onboarding',
    component: () => import('../views/OnboardingView.vue'),
    meta: { bare: true },
  },
  { path: '/lock', name: 'lock', component: () => import('../views/LockView.vue'), meta: { bare: true } },
  {
    path: '/checkout',
    name: 'checkout',
    component: () => import('../views/CheckoutView.vue'),
    meta: { title: 'Checkout' },
  },
  {
    path: '/receipts',
    name: 'receipts',
    component: () => import('../views/ReceiptsView.vue'),
    meta: { title: 'Receipts' },
  },
  {
    path: '/requests',
    name: 'requests',
    component: () => import('../views/RequestsView.vue'),
    meta: { title: 'Requests' },
  },
  {
    path: '/subscribers',
    name: 'subscribers',
    component: () => import('../views/SubscribersView.vue'),
    meta: { title: 'Subscribers' },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('../views/SettingsView.vue'),
    meta: { title: 'Settings' },
  },
  { path: '/:rest(.*)*', redirect: '/checkout' },
]

/** Where a person may be, given the session; null when `to` is fine. */
export function guardTarget(to: string, s: { hasIdentity: boolean; locked: boolean }): string | null {
  if (!s.hasIdentity) return to === 'onboarding' ? null : '/onboarding'
  if (s.locked) return to === 'lock' ? null : '/lock'
  if (to === 'lock' || to === 'onboarding') return '/checkout'
  return null
}

export function createAppRouter(): Router {
  const router = createRouter({ history: createWebHashHistory(), routes })
  router.beforeEach((to) => {
    const session = useSessionStore()
    const redirect = guardTarget(String(to.name ?? ''), {
      hasIdentity: session.hasIdentity,
      locked: session.locked,
    })
    return redirect ?? true
  })
  return router
}
