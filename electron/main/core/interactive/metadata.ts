/**
 * @module interactive/metadata
 * `PaymentMetadata` (paykit-interactive `metadata/mod.rs`): the suggested structure of a receipt's
 * free-form `metadata`. Every field is optional and omitted when empty:
 *   {"order":{"order_id","invoice_number","items":[{"description","quantity","unit_price","currency","sku"}],"notes"},
 *    "shipping":{"address":{"name","street","city","state","postal_code","country"},"method","cost",
 *                "cost_currency","tracking_number","carrier","estimated_delivery"},
 *    "tax":{"description","rate"(f64),"amount","currency","jurisdiction","tax_id"},
 *    "custom":{…}}
 * Amounts here are free-text strings (not rust_decimal). `custom` is a Rust HashMap, so Rust
 * writes its keys in no fixed order; we keep the order we were given.
 */
import { JsonFloat, isJsonObject, type JsonObject, type JsonValue } from './json'
import { ShapeError, asObject, get, optInt, optStr, reqInt, reqStr } from './shape'

export interface MetadataItem {
  readonly description: string
  readonly quantity: number
  readonly unitPrice: string
  readonly currency: string
  readonly sku?: string
}
export interface OrderMetadata {
  readonly orderId?: string
  readonly invoiceNumber?: string
  readonly items?: readonly MetadataItem[]
  readonly notes?: string
}
export interface MetadataAddress {
  readonly name: string
  readonly street: string
  readonly city: string
  readonly state?: string
  readonly postalCode: string
  readonly country: string
}
export interface ShippingMetadata {
  readonly address?: MetadataAddress
  readonly method?: string
  readonly cost?: string
  readonly costCurrency?: string
  readonly trackingNumber?: string
  readonly carrier?: string
  readonly estimatedDelivery?: number
}
export interface TaxMetadata {
  readonly description?: string
  readonly rate?: number
  readonly amount?: string
  readonly currency?: string
  readonly jurisdiction?: string
  readonly taxId?: string
}
export interface PaymentMetadata {
  readonly order?: OrderMetadata
  readonly shipping?: ShippingMetadata
  readonly tax?: TaxMetadata
  readonly custom?: JsonObject
}

/** Puts `value` under `key` only when it is set (serde `skip_serializing_if = "Option::is_none"`). */
function put(o: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value !== undefined) o[key] = value
}

export function metadataToJson(m: PaymentMetadata): JsonObject {
  const o: JsonObject = {}
  if (m.order) {
    const r: JsonObject = {}
    put(r, 'order_id', m.order.orderId)
    put(r, 'invoice_number', m.order.invoiceNumber)
    if (m.order.items && m.order.items.length > 0) {
      r['items'] = m.order.items.map((i) => {
        const it: JsonObject = {
          description: i.description,
          quantity: i.quantity,
          unit_price: i.unitPrice,
          currency: i.currency,
        }
        put(it, 'sku', i.sku)
        return it
      })
    }
    put(r, 'notes', m.order.notes)
    o['order'] = r
  }
  if (m.shipping) {
    const s: JsonObject = {}
    const a = m.shipping.address
    if (a) {
      const ao: JsonObject = { name: a.name, street: a.street, city: a.city }
      put(ao, 'state', a.state)
      ao['postal_code'] = a.postalCode
      ao['country'] = a.country
      s['address'] = ao
    }
    put(s, 'method', m.shipping.method)
    put(s, 'cost', m.shipping.cost)
    put(s, 'cost_currency', m.shipping.costCurrency)
    put(s, 'tracking_number', m.shipping.trackingNumber)
    put(s, 'carrier', m.shipping.carrier)
    put(s, 'estimated_delivery', m.shipping.estimatedDelivery)
    o['shipping'] = s
  }
  if (m.tax) {
    const t: JsonObject = {}
    put(t, 'description', m.tax.description)
    if (m.tax.rate !== undefined) t['rate'] = new JsonFloat(m.tax.rate)
    put(t, 'amount', m.tax.amount)
    put(t, 'currency', m.tax.currency)
    put(t, 'jurisdiction', m.tax.jurisdiction)
    put(t, 'tax_id', m.tax.taxId)
    o['tax'] = t
  }
  if (m.custom && Object.keys(m.custom).length > 0) o['custom'] = m.custom
  return o
}

/** Builds an object of the fields that are present (exactOptionalPropertyTypes-friendly). */
function defined<T extends object>(o: { [K in keyof T]: T[K] | null | undefined }): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v
  return out as T
}

function optFloat(o: JsonObject, key: string, path: string): number | undefined {
  const v = get(o, key)
  if (v === undefined || v === null) return undefined
  if (v instanceof JsonFloat) return v.value
  if (typeof v === 'number') return v
  throw new ShapeError('invalid-shape', `${path}.${key} must be a number`)
}

/** Reads receipt metadata as `PaymentMetadata` (unknown top-level keys are ignored, as serde does). */
export function metadataFromJson(v: JsonValue | undefined, path = 'metadata'): PaymentMetadata {
  const o = asObject(v, path)
  const out: { order?: OrderMetadata; shipping?: ShippingMetadata; tax?: TaxMetadata; custom?: JsonObject } =
    {}
  const order = get(o, 'order')
  if (order !== undefined && order !== null) {
    const r = asObject(order, `${path}.order`)
    const p = `${path}.order`
    const items = get(r, 'items')
    if (items !== undefined && (!Array.isArray(items) || items.length > 1000)) {
      throw new ShapeError('invalid-shape', `${p}.items must be an array of at most 1000 items`)
    }
    out.order = defined<OrderMetadata>({
      orderId: optStr(r, 'order_id', p, 256),
      invoiceNumber: optStr(r, 'invoice_number', p, 256),
      items: items?.map((it, i) => {
        const io = asObject(it, `${p}.items[${i}]`)
        const ip = `${p}.items[${i}]`
        return defined<MetadataItem>({
          description: reqStr(io, 'description', ip, 1024),
          quantity: reqInt(io, 'quantity', ip, 0),
          unitPrice: reqStr(io, 'unit_price', ip, 64),
          currency: reqStr(io, 'currency', ip, 16),
          sku: optStr(io, 'sku', ip, 256),
        })
      }),
      notes: optStr(r, 'notes', p, 4096),
    })
  }
  const shipping = get(o, 'shipping')
  if (shipping !== undefined && shipping !== null) {
    const p = `${path}.shipping`
    const s = asObject(shipping, p)
    const addr = get(s, 'address')
    let address: MetadataAddress | undefined
    if (addr !== undefined && addr !== null) {
      const a = asObject(addr, `${p}.address`)
      const ap = `${p}.address`
      address = defined<MetadataAddress>({
        name: reqStr(a, 'name', ap, 256),
        street: reqStr(a, 'street', ap, 512),
        city: reqStr(a, 'city', ap, 256),
        state: optStr(a, 'state', ap, 256),
        postalCode: reqStr(a, 'postal_code', ap, 64),
        country: reqStr(a, 'country', ap, 64),
      })
    }
    out.shipping = defined<ShippingMetadata>({
      address,
      method: optStr(s, 'method', p, 256),
      cost: optStr(s, 'cost', p, 64),
      costCurrency: optStr(s, 'cost_currency', p, 16),
      trackingNumber: optStr(s, 'tracking_number', p, 256),
      carrier: optStr(s, 'carrier', p, 256),
      estimatedDelivery: optInt(s, 'estimated_delivery', p) ?? undefined,
    })
  }
  const tax = get(o, 'tax')
  if (tax !== undefined && tax !== null) {
    const p = `${path}.tax`
    const t = asObject(tax, p)
    out.tax = defined<TaxMetadata>({
      description: optStr(t, 'description', p, 1024),
      rate: optFloat(t, 'rate', p),
      amount: optStr(t, 'amount', p, 64),
      currency: optStr(t, 'currency', p, 16),
      jurisdiction: optStr(t, 'jurisdiction', p, 256),
      taxId: optStr(t, 'tax_id', p, 256),
    })
  }
  const custom = get(o, 'custom')
  if (custom !== undefined && custom !== null) {
    if (!isJsonObject(custom)) throw new ShapeError('invalid-shape', `${path}.custom must be an object`)
    out.custom = custom
  }
  return out
}
