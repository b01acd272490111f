/** A public key shortened for tables: first 8 and last 6 characters. */
export const shortKey = (k: string): string => `${k.slice(0, 8)}…${k.slice(-6)}`
