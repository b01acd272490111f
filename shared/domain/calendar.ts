/**
 * Calendar facts for yearly billing dates, shared by the engine (core/subscriptions/frequency.ts) and
 * the plan form's schema (shared/schema/methods.ts), so both say the same thing about the same date.
 */

/** Month names for messages and pickers (index 0 = January). */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

const DAYS_IN_MONTH_MAX = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Most days `month` (1..12) can have; 0 for no such month. February: 29 (billed on the 28th in common years). */
export const daysInMonthMax = (month: number): number => DAYS_IN_MONTH_MAX[month - 1] ?? 0
