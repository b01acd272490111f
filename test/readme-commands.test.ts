// The README's setup and test commands are what CI runs; this keeps the two from drifting apart.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')

function commandAfter(heading: string): string {
  const at = readme.indexOf(heading)
  expect(at, `README has a "${heading}" section`).toBeGreaterThanOrEqual(0)
  const block = /```sh\n([^\n]+)\n```/.exec(readme.slice(at))
  expect(block, `README "${heading}" is followed by a sh block`).not.toBeNull()
  return block![1]!
}

describe('README commands', () => {
  it('CI runs exactly the README setup command and then the README test command', () => {
    const lines = ci
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '))
    expect(lines).toEqual([commandAfter('Setup'), commandAfter('Test')])
  })
  it('has exactly one start command', () => {
    expect(commandAfter('Start')).toBe('npm start')
    expect(readme.match(/```sh/g)).toHaveLength(3)
  })
})
