/** As-you-type checks of a recovery phrase (main checks again; this only explains early). */
import { validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'

const WORDS = new Set(wordlist)
const COUNTS = [12, 15, 18, 21, 24]

export type PhraseCheck = { ok: true; words: number } | { ok: false; words: number; problem: string }

export function checkPhrase(text: string): PhraseCheck {
  const words = text
    .normalize('NFKD')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
  if (words.length === 0) return { ok: false, words: 0, problem: 'Type or paste your recovery phrase.' }
  const unknown = words.findIndex((w) => !WORDS.has(w))
  if (unknown >= 0) {
    const w = words[unknown]!.slice(0, 24)
    return {
      ok: false,
      words: words.length,
      problem: `Word ${unknown + 1} ("${w}") is not a recovery-phrase word.`,
    }
  }
  if (!COUNTS.includes(words.length)) {
    return {
      ok: false,
      words: words.length,
      problem: `${words.length} words so far; a phrase has 12, 15, 18, 21 or 24.`,
    }
  }
  if (!validateMnemonic(words.join(' '), wordlist)) {
    return {
      ok: false,
      words: words.length,
      problem: 'The words do not add up (checksum): one is wrong or out of order.',
    }
  }
  return { ok: true, words: words.length }
}
