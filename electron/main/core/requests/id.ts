/**
 * @module requests/id
 * Record ids for payment requests. The one id generator lives in util/ids.ts (format, ordering and
 * uniqueness guarantees are documented there); this module keeps the names the requests code and
 * its tests import.
 */
export { IdGenerator, parseGeneratedId, type IdPrefix } from '../util/ids'
