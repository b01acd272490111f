/**
 * Example invoices from the BOLT #11 specification, used as test vectors.
 * Source: lightning/bolts `11-payment-encoding.md` @0028ac9bf455298a4d32c3eb772b3821d31a5d08,
 * section "Examples" and "Examples of Invalid Invoices" (CC-BY 4.0). Values are copied verbatim from
 * the spec text; the `fields` are what its "Breakdown" lists say each invoice contains.
 */

/** "all the following examples are signed with priv_key=e126f68f…" */
export const SPEC_PRIV_KEY = 'e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734'
export const SPEC_NODE_ID = '03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad'
export const SPEC_PAYMENT_HASH = '0001020304050607080900010203040506070809000102030405060708090102'
export const SPEC_TIMESTAMP = 1496314658
const CAKE =
  'One piece of chocolate cake, one icecream cone, one pickle, one slice of swiss cheese, one slice of salami, one lollypop, one piece of cherry pie, one sausage, one cupcake, and one slice of watermelon'

export interface SpecValid {
  name: string
  invoice: string
  network: 'bitcoin' | 'testnet'
  amountMsat: bigint | null
  timestamp: number
  paymentHash: string
  description?: string
  descriptionUtf8OfHash?: string
  expirySecs: number
  minFinalCltvExpiry: number
  features: number[]
  paymentSecret?: string
  /** Signed with SPEC_PRIV_KEY (false for the Blockstream Store invoice, a real one). */
  specKey: boolean
  /** Our encoder can rebuild it from its fields (no f/r fields). */
  reencodable: boolean
  /** The spec's "Signature breakdown", where given. */
  sig?: { rs: string; recoveryId: number; signingDataHex: string }
}

export const SPEC_VALID: SpecValid[] = [
  {
    name: 'donation of any amount',
    invoice:
      'lnbc1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq8rkx3yf5tcsyz3d73gafnh3cax9rn449d9p5uxz9ezhhypd0elx87sjle52x86fux2ypatgddc6k63n7erqz25le42c4u4ecky03ylcqca784w',
    network: 'bitcoin',
    amountMsat: null,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    description: 'Please consider supporting this project',
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [],
    specKey: true,
    reencodable: true,
    sig: {
      rs: '38ec6891345e204145be8a3a99de38e98a39d6a569434e1845c8af7205afcfcc7f425fcd1463e93c32881ead0d6e356d467ec8c02553f9aab15e5738b11f127f',
      recoveryId: 0,
      signingDataHex:
        '6c6e62630b25fe64410d00004080c1014181c20240004080c1014181c20240004080c1014181c202404081a1fa83632b0b9b29031b7b739b4b232b91039bab83837b93a34b733903a3434b990383937b532b1ba0',
    },
  },
  {
    name: '$3 cup of coffee within one minute',
    invoice:
      'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpuaztrnwngzn3kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3ch9zw97j25emudupq63nyw24cg27h2rspfj9srp',
    network: 'bitcoin',
    amountMsat: 250_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    description: '1 cup coffee',
    expirySecs: 60,
    minFinalCltvExpiry: 18,
    features: [],
    specKey: true,
    reencodable: true,
    sig: {
      rs: 'e89639ba6814e36689d4b91bf125f10351b55da057b00647a8dabaeb8a90c95f160f9d5a6e0f79d1fc2b964238b944e2fa4aa677c6f020d466472ab842bd750e',
      recoveryId: 1,
      signingDataHex:
        '6c6e626332353030750b25fe64410d00004080c1014181c20240004080c1014181c20240004080c1014181c202404081a0a189031bab81031b7b33332b2818020f00',
    },
  },
  {
    name: 'cup of nonsense (UTF-8 description)',
    invoice:
      'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny',
    network: 'bitcoin',
    amountMsat: 250_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    description: 'ナンセンス 1杯',
    expirySecs: 60,
    minFinalCltvExpiry: 18,
    features: [],
    specKey: true,
    reencodable: true,
    sig: {
      rs: '259f04511e7ef2aa77f6ff04d51b4ae9209504843e5ab9672ce32a153681f687515b73ce57ee309db588a10eb8e41b5a2d2bc17144ddf398033faa49ffe95ae6',
      recoveryId: 0,
      signingDataHex:
        '6c6e626332353030750b25fe64410d00004080c1014181c20240004080c1014181c20240004080c1014181c202404081a1071c1c571c1d9f1c15df1c1d9f1c15c9018f34ed798020f0',
    },
  },
  {
    name: '$24 list of things (hashed description)',
    invoice:
      'lnbc20m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqscc6gd6ql3jrc5yzme8v4ntcewwz5cnw92tz0pc8qcuufvq7khhr8wpald05e92xw006sq94mg8v2ndf4sefvf9sygkshp5zfem29trqq2yxxz7',
    network: 'bitcoin',
    amountMsat: 2_000_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    descriptionUtf8OfHash: CAKE,
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [],
    specKey: true,
    reencodable: true,
    sig: {
      rs: 'c63486e81f8c878a105bc9d959af1973854c4dc552c4f0e0e0c7389603d6bdc67707bf6be992a8ce7bf50016bb41d8a9b5358652c4960445a170d049ced4558c',
      recoveryId: 0,
      signingDataHex:
        '6c6e626332306d0b25fe64410d00004080c1014181c20240004080c1014181c20240004080c1014181c202404082e1a1c92db7b3f161a001b7689049eea2701b46f8db7513629edf2408fac7eaedc60800',
    },
  },
  {
    name: 'testnet with P2PKH fallback (f field, h before p)',
    invoice:
      'lntb20m1pvjluezhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqfpp3x9et2e20v6pu37c5d9vax37wxq72un98kmzzhznpurw9sgl2v0nklu2g4d0keph5t7tj9tcqd8rexnd07ux4uv2cjvcqwaxgj7v4uwn5wmypjd5n69z2xm3xgksg28nwht7f6zspwp3f9t',
    network: 'testnet',
    amountMsat: 2_000_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    descriptionUtf8OfHash: CAKE,
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [],
    specKey: true,
    reencodable: false,
  },
  {
    name: 'mainnet with fallback and route hints (r field)',
    invoice:
      'lnbc20m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqsfpp3qjmp7lwpagxun9pygexvgpjdc4jdj85fr9yq20q82gphp2nflc7jtzrcazrra7wwgzxqc8u7754cdlpfrmccae92qgzqvzq2ps8pqqqqqqpqqqqq9qqqvpeuqafqxu92d8lr6fvg0r5gv0heeeqgcrqlnm6jhphu9y00rrhy4grqszsvpcgpy9qqqqqqgqqqqq7qqzqj9n4evl6mr5aj9f58zp6fyjzup6ywn3x6sk8akg5v4tgn2q8g4fhx05wf6juaxu9760yp46454gpg5mtzgerlzezqcqvjnhjh8z3g2qqdhhwkj',
    network: 'bitcoin',
    amountMsat: 2_000_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    descriptionUtf8OfHash: CAKE,
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [],
    specKey: true,
    reencodable: false,
  },
  {
    name: 'mainnet with P2WSH fallback',
    invoice:
      'lnbc20m1pvjluezhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqfp4qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q28j0v3rwgy9pvjnd48ee2pl8xrpxysd5g44td63g6xcjcu003j3qe8878hluqlvl3km8rm92f5stamd3jw763n3hck0ct7p8wwj463cql26ava',
    network: 'bitcoin',
    amountMsat: 2_000_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    descriptionUtf8OfHash: CAKE,
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [],
    specKey: true,
    reencodable: false,
  },
  {
    name: 'Blockstream Store, amount in pico-BTC (a real invoice, its own key)',
    invoice:
      'lnbc9678785340p1pwmna7lpp5gc3xfm08u9qy06djf8dfflhugl6p7lgza6dsjxq454gxhj9t7a0sd8dgfkx7cmtwd68yetpd5s9xar0wfjn5gpc8qhrsdfq24f5ggrxdaezqsnvda3kkum5wfjkzmfqf3jkgem9wgsyuctwdus9xgrcyqcjcgpzgfskx6eqf9hzqnteypzxz7fzypfhg6trddjhygrcyqezcgpzfysywmm5ypxxjemgw3hxjmn8yptk7untd9hxwg3q2d6xjcmtv4ezq7pqxgsxzmnyyqcjqmt0wfjjq6t5v4khxxqyjw5qcqp2rzjq0gxwkzc8w6323m55m4jyxcjwmy7stt9hwkwe2qxmy8zpsgg7jcuwz87fcqqeuqqqyqqqqlgqqqqn3qq9qn07ytgrxxzad9hc4xt3mawjjt8znfv8xzscs7007v9gh9j569lencxa8xeujzkxs0uamak9aln6ez02uunw6rd2ht2sqe4hz8thcdagpleym0j',
    network: 'bitcoin',
    amountMsat: 967_878_534n,
    timestamp: 1572468703,
    paymentHash: '462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f',
    description:
      'Blockstream Store: 88.85 USD for Blockstream Ledger Nano S x 1, "Back In My Day" Sticker x 2, "I Got Lightning Working" Sticker x 2 and 1 more items',
    expirySecs: 604800,
    minFinalCltvExpiry: 10,
    features: [],
    specKey: false,
    reencodable: false,
  },
  {
    name: 'coffee beans with payment secret and features 9, 15, 99',
    invoice:
      'lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxyetpdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q5sqqqqqqqqqqqqqqqpqsq67gye39hfg3zd8rgc80k32tvy9xk2xunwm5lzexnvpx6fd77en8qaq424dxgt56cag2dpt359k3ssyhetktkpqh24jqnjyw6uqd08sgptq44qu',
    network: 'bitcoin',
    amountMsat: 2_500_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    description: 'coffee beans',
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [9, 15, 99],
    paymentSecret: '1111111111111111111111111111111111111111111111111111111111111111',
    specKey: true,
    reencodable: true,
  },
  {
    name: 'coffee beans, all upper case',
    invoice:
      'LNBC25M1PVJLUEZPP5QQQSYQCYQ5RQWZQFQQQSYQCYQ5RQWZQFQQQSYQCYQ5RQWZQFQYPQDQ5VDHKVEN9V5SXYETPDEESSP5ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYGS9Q5SQQQQQQQQQQQQQQQPQSQ67GYE39HFG3ZD8RGC80K32TVY9XK2XUNWM5LZEXNVPX6FD77EN8QAQ424DXGT56CAG2DPT359K3SSYHETKTKPQH24JQNJYW6UQD08SGPTQ44QU',
    network: 'bitcoin',
    amountMsat: 2_500_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    description: 'coffee beans',
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [9, 15, 99],
    paymentSecret: '1111111111111111111111111111111111111111111111111111111111111111',
    specKey: true,
    reencodable: false,
  },
  {
    name: 'coffee beans with fields that must be ignored (wrong lengths, unknown tags)',
    invoice:
      'lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxyetpdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q5sqqqqqqqqqqqqqqqpqsq2qrqqqfppnqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqppnqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqpp4qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqhpnqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqhp4qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqspnqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqsp4qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnp5qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnpkqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2jxxfsnucm4jf4zwtznpaxphce606fvhvje5x7d4gw7n73994hgs7nteqvenq8a4ml8aqtchv5d9pf7l558889hp4yyrqv6a7zpq9fgpskqhza',
    network: 'bitcoin',
    amountMsat: 2_500_000_000n,
    timestamp: SPEC_TIMESTAMP,
    paymentHash: SPEC_PAYMENT_HASH,
    description: 'coffee beans',
    expirySecs: 3600,
    minFinalCltvExpiry: 18,
    features: [9, 15, 99],
    paymentSecret: '1111111111111111111111111111111111111111111111111111111111111111',
    specKey: true,
    reencodable: false,
  },
]

export interface SpecInvalid {
  name: string
  invoice: string
  code: string
}

/** "Examples of Invalid Invoices", with the check of ours that must refuse each. */
export const SPEC_INVALID: SpecInvalid[] = [
  {
    name: 'invalid unknown feature 100',
    code: 'bolt11-unknown-required-feature',
    invoice:
      'lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxyetpdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q4psqqqqqqqqqqqqqqqpqsqq40wa3khl49yue3zsgm26jrepqr2eghqlx86rttutve3ugd05em86nsefzh4pfurpd9ek9w2vp95zxqnfe2u7ckudyahsa52q66tgzcp6t2dyk',
  },
  {
    name: 'bech32 checksum is invalid',
    code: 'bolt11-malformed',
    invoice:
      'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrnt',
  },
  {
    name: 'malformed bech32 string (no 1)',
    code: 'bolt11-malformed',
    invoice:
      'pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny',
  },
  {
    name: 'malformed bech32 string (mixed case)',
    code: 'bolt11-malformed',
    invoice:
      'LNBC2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny',
  },
  {
    name: 'signature is not recoverable',
    code: 'bolt11-bad-signature',
    invoice:
      'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpuaxtrnwngzn3kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3ch9zw97j25emudupq63nyw24cg27h2rspk28uwq',
  },
  {
    name: 'string is too short',
    code: 'bolt11-malformed',
    invoice:
      'lnbc1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6na6hlh',
  },
  {
    name: 'invalid multiplier',
    code: 'bolt11-bad-amount',
    invoice:
      'lnbc2500x1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpujr6jxr9gq9pv6g46y7d20jfkegkg4gljz2ea2a3m9lmvvr95tq2s0kvu70u3axgelz3kyvtp2ywwt0y8hkx2869zq5dll9nelr83zzqqpgl2zg',
  },
  {
    name: 'invalid sub-millisatoshi precision',
    code: 'bolt11-bad-amount',
    invoice:
      'lnbc2500000001p1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu7hqtk93pkf7sw55rdv4k9z2vj050rxdr6za9ekfs3nlt5lr89jqpdmxsmlj9urqumg0h9wzpqecw7th56tdms40p2ny9q4ddvjsedzcplva53s',
  },
]
