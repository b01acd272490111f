/**
 * `npx tsx electron/main/core/pubky/testnet-main.ts`: starts the static testnet and prints where
 * everything is. Stops on SIGINT/SIGTERM.
 */
import { startTestnet } from './testnet'

const testnet = await startTestnet({
  signupMode: process.argv.includes('--token-required') ? 'token_required' : 'open',
})
const lines = [
  'Pubky testnet is running (offline drop-in for pubky-testnet):',
  `  pkarr relay      ${testnet.relayUrl}`,
  `  http relay       ${testnet.httpRelayUrl}`,
  `  homeserver       ${testnet.homeserverUrl}  key ${testnet.homeserverPublicKey}`,
  `  admin            ${testnet.adminUrl}  (X-Admin-Password: admin; GET /generate_signup_token)`,
  'Use Pubky.testnet() from @synonymdev/pubky. Ctrl-C to stop.',
]
process.stdout.write(`${lines.join('\n')}\n`)
const stop = (): void => {
  void testnet.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
