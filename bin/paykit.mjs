#!/usr/bin/env node
// The `paykit` command. The CLI is TypeScript in electron/cli/; tsx's loader runs it without a build
// step, so `npx paykit …` works straight after `npm ci`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../electron/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
