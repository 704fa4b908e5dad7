/** The JSON object types, said once (every layer imports them from here). */

/** A JSON object whose fields are not checked yet: narrow each field before use (untrusted input). */
export type Json = Record<string, unknown>;

/**
 * Google API JSON as the official clients return it, walked field by field by the mappers that turn
 * it into domain types. Loosely typed on purpose: the walks guard every level with `?.`.
 */
export type ApiJson = Record<string, any>;
