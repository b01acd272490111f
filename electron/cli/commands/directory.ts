/**
 * @module cli/commands/directory
 * `paykit directory publish` and `paykit directory show`: the public Paykit directory, through the
 * same core modules the app uses — validators (`directory/method-validate`), publishing and
 * discovery (`directory/methods`, `directory/discover`, `directory/noise-endpoint`,
 * `directory/key-binding`), the storage port over the SDK gateway (`store/gateway-store`).
 *
 * Every method is validated before anything touches the network, so a bad one is refused with its
 * reason and nothing is written (not even a signup).
 */
import { wipe, toHex } from '../../main/core/util/bytes'
import type { Network } from '../../main/core/methods/errors'
import type { InputError } from '../../main/core/util/errors'
import { formatPublicKey, parsePublicKey } from '../../main/core/keys/public-key'
import type { MethodToPublish, ValidatedEndpoint } from '../../main/core/directory'
import type { PubkyGateway } from '../../main/core/pubky/gateway'
import { bool, str, strs, type OptionSpecs } from '../args'
import type { CommandContext } from '../context'
import { causeCodes, CliError, EXIT_OK, UsageError, withHint } from '../errors'
import { describeMethod, ellipsize, table } from '../format'
import { unlockIdentity } from '../identity-store'
import { NETWORK_OPTIONS, resolveTarget, type Target } from '../network'
import type { CommandSpec } from '../registry'
import { PASSPHRASE_ENV, readPassphrase } from '../secrets'
import { DATA_DIR_OPTION, PASSPHRASE_OPTION, pathsFor } from './id'

const NETWORKS: readonly Network[] = ['mainnet', 'testnet', 'signet', 'regtest']

const BITCOIN_NETWORK_OPTION: OptionSpecs = {
  network: {
    type: 'string',
    valueName: 'NET',
    description: 'Bitcoin network addresses and invoices must be for: mainnet, testnet, signet or regtest',
    defaultText: 'mainnet',
  },
}

function networkOf(value: string | undefined, hint: string): Network {
  const n = value ?? 'mainnet'
  if (!(NETWORKS as readonly string[]).includes(n)) {
    throw new UsageError(
      `--network must be one of ${NETWORKS.join(', ')}, got ${JSON.stringify(n.slice(0, 40))}`,
      hint,
    )
  }
  return n as Network
}

/** `ID=ENDPOINT` → method; validated with the real parsers. Throws naming the method and the problem. */
async function parseMethods(
  specs: readonly string[],
  network: Network,
  ctx: CommandContext,
  hint: string,
): Promise<{ methods: MethodToPublish[]; validated: ValidatedEndpoint[] }> {
  const { checkMethodId } = await import('../../main/core/methods/ids')
  const { paymentMethodPath, validateEndpoint } = await import('../../main/core/directory')
  const methods: MethodToPublish[] = []
  const validated: ValidatedEndpoint[] = []
  const seen = new Set<string>()
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    if (eq <= 0 || eq === spec.length - 1) {
      throw new UsageError(
        `--method ${JSON.stringify(ellipsize(spec, 40))} must be ID=ENDPOINT, e.g. onchain=bc1q… or lightning=lnbc…`,
        hint,
      )
    }
    const methodId = spec.slice(0, eq).trim()
    const endpoint = spec.slice(eq + 1)
    if (seen.has(methodId)) throw new UsageError(`method "${methodId}" is given twice`, hint)
    seen.add(methodId)
    try {
      checkMethodId(methodId)
      paymentMethodPath(methodId)
      validated.push(validateEndpoint(methodId, endpoint, { network, clock: ctx.clock }))
    } catch (e) {
      const err = e as { code?: string; message?: string }
      throw new CliError(
        'cli-input',
        `refusing method "${methodId.slice(0, 40)}": ${err.message ?? String(e)}`,
        'Nothing was published. Fix the endpoint (or --network) and run again.',
        { cause: e, originalCode: err.code ?? 'invalid-input' },
      )
    }
    methods.push({ methodId, endpoint })
  }
  return { methods, validated }
}

interface NoiseSpec {
  host: string
  port: number
}

async function parseNoise(text: string, hint: string): Promise<NoiseSpec> {
  const { formatNoiseEndpointRecord } = await import('../../main/core/directory')
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text)
  const host = m?.[1] ?? m?.[2]
  const port = Number(m?.[3])
  if (!m || host === undefined || port < 1 || port > 65535) {
    throw new UsageError(
      `--noise ${JSON.stringify(text.slice(0, 60))} must be HOST:PORT (port 1-65535)`,
      hint,
    )
  }
  try {
    // Same checks the record writer applies, before anything is sent.
    formatNoiseEndpointRecord({ host, port, publicKey: new Uint8Array(32).fill(1) })
  } catch (e) {
    throw new UsageError(`--noise: ${(e as Error).message}`, hint)
  }
  return { host, port }
}

/** Signs in, or signs up on the target homeserver when the identity is not hosted there yet. */
async function connect(
  gateway: PubkyGateway,
  secret: Uint8Array,
  z32: string,
  target: Target,
): Promise<'signed-in' | 'signed-up'> {
  let current: string | undefined
  try {
    current = await gateway.homeserverOf(z32)
  } catch {
    current = undefined
  }
  if (target.homeserverKey !== undefined && current !== target.homeserverKey) {
    try {
      await gateway.signup(secret, target.homeserverKey)
      return 'signed-up'
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'pubky-conflict') throw e
    }
  } else if (current === undefined) {
    throw new CliError(
      'cli-state',
      `${z32} has no homeserver on ${target.label}, and none was named to sign up on`,
      'Pass --homeserver <data folder of `paykit homeserver`>, testnet, or <homeserver key> [--relay URL].',
    )
  }
  await gateway.signin(secret)
  return 'signed-in'
}

function networkHint(target: Target): string {
  return target.profile.kind === 'mainnet'
    ? `Could not reach ${target.label}; check the connection or pass --homeserver.`
    : `Could not reach ${target.label}; is it running (\`paykit homeserver\` / \`paykit testnet\`)?`
}

export const directoryPublishCommand: CommandSpec = {
  path: ['directory', 'publish'],
  summary: 'Validate payment methods and publish them (and a Noise endpoint) to your homeserver',
  description:
    'Checks every --method with the real parsers (bech32/base58 checksums and network, BOLT11 network and expiry, LNURL) and refuses a bad one with the reason before anything is sent. Then unlocks the identity, signs up on the homeserver (or signs in), writes one file per method under /pub/paykit.app/v0/ plus supported.json, and, with --noise, the /noise record and a signed 0.8.0 key binding for this device.',
  options: {
    method: {
      type: 'string',
      valueName: 'ID=ENDPOINT',
      multiple: true,
      description:
        'A method to publish: onchain=<address or bitcoin: URI>, lightning=<BOLT11, LNURL or user@domain>, lnurl=<LNURL>',
    },
    noise: {
      type: 'string',
      valueName: 'HOST:PORT',
      description: 'Publish the Noise endpoint where your server listens',
    },
    ...BITCOIN_NETWORK_OPTION,
    ...NETWORK_OPTIONS,
    'no-snapshot': { type: 'boolean', description: 'Do not write supported.json' },
    ...DATA_DIR_OPTION,
    ...PASSPHRASE_OPTION,
  },
  examples: [
    'paykit directory publish --homeserver ~/.paykit/node --network regtest --method onchain=bcrt1q… --method lightning=lnbcrt1…',
    'paykit directory publish --method onchain=bc1q… --noise pos.example.com:9735 --homeserver <homeserver key>',
  ],
  async run(ctx, args) {
    const hint = 'Run `paykit directory publish --help` for usage.'
    const network = networkOf(str(args.values, 'network'), hint)
    const methodSpecs = strs(args.values, 'method')
    const noiseText = str(args.values, 'noise')
    if (methodSpecs.length === 0 && noiseText === undefined) {
      throw new UsageError(
        'nothing to publish: give at least one --method ID=ENDPOINT or --noise HOST:PORT',
        hint,
      )
    }
    const { methods, validated } = await parseMethods(methodSpecs, network, ctx, hint)
    const noise = noiseText === undefined ? undefined : await parseNoise(noiseText, hint)
    const target = await resolveTarget(ctx, str(args.values, 'homeserver'), strs(args.values, 'relay'), hint)

    const passphrase = await readPassphrase(ctx, str(args.values, 'passphrase-file'), false)
    let unlocked: ReturnType<typeof unlockIdentity>
    try {
      unlocked = unlockIdentity(pathsFor(ctx, args), passphrase)
    } catch (e) {
      throw e instanceof CliError ? e : withHint(e, `Check --passphrase-file or $${PASSPHRASE_ENV}.`)
    }
    const { facts, identity } = unlocked
    try {
      let session: 'signed-in' | 'signed-up'
      let noiseKey: Uint8Array | undefined
      try {
        // The SDK, the store port and the directory code load only when they are used.
        const { PubkyGateway } = await import('../../main/core/pubky/gateway')
        const { GatewayWriter } = await import('../../main/core/store/gateway-store')
        const { publishNoiseEndpoint, publishNoiseKeyBinding, publishPaymentMethods } =
          await import('../../main/core/directory')
        const { deriveX25519Static } = await import('../../main/core/keys/device-key')
        const gateway = await PubkyGateway.open(target.profile)
        session = await connect(gateway, identity.secretKey, identity.z32, target)
        const writer = new GatewayWriter(gateway, identity.z32)
        if (methods.length > 0) {
          await publishPaymentMethods(writer, methods, {
            network,
            clock: ctx.clock,
            snapshot: !bool(args.values, 'no-snapshot'),
          })
        }
        if (noise) {
          const x = deriveX25519Static(identity.secretKey, facts.deviceId)
          noiseKey = x.publicKey
          wipe(x.secretKey)
          await publishNoiseEndpoint(writer, { ...noise, publicKey: noiseKey })
          await publishNoiseKeyBinding(writer, {
            identitySecret: identity.secretKey,
            x25519PublicKey: noiseKey,
            deviceId: facts.deviceId,
            clock: ctx.clock,
          })
        }
      } catch (e) {
        throw e instanceof CliError ? e : withHint(e, networkHint(target))
      }
      const rows: [string, string][] = methods.map((m, i) => [
        m.methodId,
        `${ellipsize(validated[i]!.endpoint)}  (${describeMethod(validated[i]!.detail)})`,
      ])
      if (noise && noiseKey) rows.push(['noise', `${noise.host}:${noise.port}  key ${toHex(noiseKey)}`])
      const warnings = validated.flatMap((v, i) => v.warnings.map((w) => `${methods[i]!.methodId}: ${w}`))
      ctx.result(
        [
          `Published to ${target.label} as ${identity.z32} (${session}).`,
          table(rows),
          ...(warnings.length > 0 ? ['Warnings:', ...warnings.map((w) => `  ${w}`)] : []),
          `Check it: paykit directory show ${identity.z32}${str(args.values, 'homeserver') ? ` --homeserver ${str(args.values, 'homeserver')}` : ''} --network ${network}`,
        ].join('\n'),
        {
          pubky: identity.z32,
          session,
          target: target.label,
          network,
          methods: methods.map((m, i) => ({
            methodId: m.methodId,
            endpoint: validated[i]!.endpoint,
            kind: validated[i]!.detail.kind,
            warnings: validated[i]!.warnings,
          })),
          noise:
            noise && noiseKey ? { ...noise, publicKey: toHex(noiseKey), deviceId: facts.deviceId } : null,
        },
      )
      return EXIT_OK
    } finally {
      wipe(identity.secretKey)
    }
  },
}

export const directoryShowCommand: CommandSpec = {
  path: ['directory', 'show'],
  summary: "Discover a pubky's payable methods, rejected records (with reasons) and Noise endpoint",
  description:
    'Resolves <pubky> through pkarr, reads its public Paykit directory and validates every method with the real parsers for --network. Prints what can be paid, every record that was refused and why, and the Noise endpoint (and whether a signed key binding covers its key). Exit code 0 even when nothing is payable; --json for scripts.',
  positionals: [
    {
      name: 'pubky',
      description: 'The public key to look up (z32, pubky://…, pk:… or pubky<z32>)',
      required: true,
    },
  ],
  options: { ...BITCOIN_NETWORK_OPTION, ...NETWORK_OPTIONS },
  examples: [
    'paykit directory show 8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo --homeserver testnet --network regtest',
  ],
  async run(ctx, args) {
    const hint = 'Run `paykit directory show --help` for usage.'
    const network = networkOf(str(args.values, 'network'), hint)
    let owner: string
    try {
      owner = formatPublicKey(parsePublicKey(args.positionals[0]!))
    } catch (e) {
      throw new UsageError(`<pubky>: ${(e as InputError).message}`, hint)
    }
    const target = await resolveTarget(ctx, str(args.values, 'homeserver'), strs(args.values, 'relay'), hint)
    const { PubkyGateway } = await import('../../main/core/pubky/gateway')
    const { GatewayReader } = await import('../../main/core/store/gateway-store')
    const { discoverDirectory } = await import('../../main/core/directory')
    let result: Awaited<ReturnType<typeof discoverDirectory>>
    try {
      const gateway = await PubkyGateway.open(target.profile)
      result = await discoverDirectory(new GatewayReader(gateway), owner, {
        network,
        clock: ctx.clock,
        keyBindings: { clock: ctx.clock },
      })
    } catch (e) {
      if (causeCodes(e).includes('pubky-unresolvable')) {
        throw new CliError(
          'cli-runtime',
          `${owner} has no homeserver record on ${target.label}: it has not published there`,
          'Check the key and --homeserver/--relay; the owner publishes with `paykit directory publish`.',
          { cause: e },
        )
      }
      throw withHint(e, networkHint(target))
    }
    const lines = [`Paykit directory of ${owner} (${network}, via ${target.label})`]
    lines.push(
      result.payable.length > 0 ? `Payable methods (${result.payable.length}):` : 'Payable methods: none',
      ...(result.payable.length > 0
        ? [
            table(
              result.payable.map((p) => [
                p.methodId,
                `${ellipsize(p.endpoint)}  (${describeMethod(p.detail)}${p.source === 'file' ? '' : ', from supported.json'})`,
              ]),
            ),
          ]
        : []),
    )
    if (result.rejected.length > 0) {
      lines.push(
        `Rejected records (${result.rejected.length}):`,
        table(result.rejected.map((r) => [r.name, `${r.code}: ${r.reason}`])),
      )
    }
    if (result.noise) {
      const n = result.noise
      const bound =
        result.noiseKeyBound === undefined
          ? ''
          : result.noiseKeyBound
            ? ', key bound to identity'
            : ', NO signed key binding'
      lines.push(
        `Noise endpoint: ${n.host}:${n.port}${n.pending ? ' (pending)' : ''}  key ${toHex(n.publicKey)}${bound}`,
      )
    } else lines.push('Noise endpoint: none')
    ctx.result(lines.join('\n'), {
      owner,
      network,
      via: target.label,
      payable: result.payable.map((p) => ({
        methodId: p.methodId,
        endpoint: p.endpoint,
        source: p.source,
        kind: p.detail.kind,
        description: describeMethod(p.detail),
        warnings: p.warnings,
        detail: p.detail,
      })),
      rejected: result.rejected,
      skipped: result.skipped,
      noise: result.noise
        ? {
            host: result.noise.host,
            port: result.noise.port,
            publicKey: toHex(result.noise.publicKey),
            pending: result.noise.pending,
            ...(result.noise.metadata !== undefined ? { metadata: result.noise.metadata } : {}),
            keyBound: result.noiseKeyBound ?? null,
          }
        : null,
    })
    return EXIT_OK
  },
}
