/**
 * A JSON reader that behaves like the rapidjson parse TF Serving runs on request bodies
 * (`ParseStream<kParseNanAndInfFlag>`): it accepts NaN/Infinity, keeps object members in order
 * (duplicates included), tells integers from doubles the way rapidjson's Is*() do, and fails with
 * rapidjson's English messages and byte offsets, because TF Serving quotes them to the caller.
 */

export type JNumberKind = 'int' | 'uint' | 'int64' | 'uint64' | 'double';

export type JValue =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'num'; v: number; kind: JNumberKind; big?: bigint; raw: string }
  | { t: 'str'; v: string }
  | { t: 'arr'; items: JValue[] }
  | { t: 'obj'; members: Array<[string, JValue]> };

export class JsonParseError extends Error {
  constructor(readonly reason: string, readonly offset: number) {
    super(`${reason} at offset: ${offset}`);
  }
}

const INT32_MIN = -(2n ** 31n), INT32_MAX = 2n ** 31n - 1n, UINT32_MAX = 2n ** 32n - 1n;
const INT64_MIN = -(2n ** 63n), UINT64_MAX = 2n ** 64n - 1n;

/** Parses `text`; throws JsonParseError (message without the "JSON Parse error: " prefix). */
export function parseJson(text: string): JValue {
  const bytes = Buffer.from(text, 'utf8');
  let i = 0;
  const ws = () => { while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++; };
  const fail = (reason: string, at = i): never => { throw new JsonParseError(reason, at); };
  const lit = (word: string) => bytes.subarray(i, i + word.length).toString('latin1') === word;

  function value(): JValue {
    const c = bytes[i];
    if (c === 0x7b) return object();
    if (c === 0x5b) return array();
    if (c === 0x22) return { t: 'str', v: string() };
    if (c === 0x6e) { if (lit('null')) { i += 4; return { t: 'null' }; } return fail('Invalid value.'); }
    if (c === 0x74) { if (lit('true')) { i += 4; return { t: 'bool', v: true }; } return fail('Invalid value.'); }
    if (c === 0x66) { if (lit('false')) { i += 5; return { t: 'bool', v: false }; } return fail('Invalid value.'); }
    return number();
  }

  function object(): JValue {
    i++; ws();
    const members: Array<[string, JValue]> = [];
    if (bytes[i] === 0x7d) { i++; return { t: 'obj', members }; }
    for (;;) {
      if (bytes[i] !== 0x22) fail('Missing a name for object member.');
      const name = string();
      ws();
      if (bytes[i] !== 0x3a) fail('Missing a colon after a name of object member.');
      i++; ws();
      members.push([name, value()]);
      ws();
      if (bytes[i] === 0x2c) { i++; ws(); continue; }
      if (bytes[i] === 0x7d) { i++; return { t: 'obj', members }; }
      fail("Missing a comma or '}' after an object member.");
    }
  }

  function array(): JValue {
    i++; ws();
    const items: JValue[] = [];
    if (bytes[i] === 0x5d) { i++; return { t: 'arr', items }; }
    for (;;) {
      items.push(value());
      ws();
      if (bytes[i] === 0x2c) { i++; ws(); continue; }
      if (bytes[i] === 0x5d) { i++; return { t: 'arr', items }; }
      fail("Missing a comma or ']' after an array element.");
    }
  }

  function hex4(): number {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const d = parseInt(String.fromCharCode(bytes[i] ?? 0), 16);
      if (Number.isNaN(d)) fail('Incorrect hex digit after \\u escape in string.');
      n = n * 16 + d; i++;
    }
    return n;
  }

  function string(): string {
    const start = i;
    i++;
    const out: number[] = [];
    for (;;) {
      if (i >= bytes.length) fail('Missing a closing quotation mark in string.', start);
      const c = bytes[i];
      if (c === 0x22) { i++; return Buffer.from(out).toString('utf8'); }
      if (c < 0x20) fail(c === 0 ? 'Missing a closing quotation mark in string.' : 'Invalid encoding in string.');
      if (c !== 0x5c) { out.push(c); i++; continue; }
      const escAt = i;
      i++;
      const e = bytes[i];
      const simple: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };
      if (e in simple) { out.push(simple[e]); i++; continue; }
      if (e !== 0x75) fail('Invalid escape character in string.', escAt);
      i++;
      let cp = hex4();
      if (cp >= 0xd800 && cp <= 0xdbff) {
        if (bytes[i] !== 0x5c || bytes[i + 1] !== 0x75) fail('The surrogate pair in string is invalid.');
        i += 2;
        const lo = hex4();
        if (lo < 0xdc00 || lo > 0xdfff) fail('The surrogate pair in string is invalid.');
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      }
      out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    }
  }

  function number(): JValue {
    const start = i;
    let neg = false;
    if (bytes[i] === 0x2d) { neg = true; i++; }
    // kParseNanAndInfFlag: NaN, Inf, Infinity (optionally negative).
    if (lit('NaN')) { i += 3; return { t: 'num', v: NaN, kind: 'double', raw: neg ? '-NaN' : 'NaN' }; }
    if (lit('Inf')) {
      i += 3;
      if (lit('inity')) i += 5;
      return { t: 'num', v: neg ? -Infinity : Infinity, kind: 'double', raw: bytes.subarray(start, i).toString('latin1') };
    }
    const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
    if (!isDigit(bytes[i])) fail('Invalid value.', start);
    if (bytes[i] === 0x30) i++;
    else while (isDigit(bytes[i])) i++;
    const intEnd = i;
    let isDouble = false;
    if (bytes[i] === 0x2e) {
      i++;
      if (!isDigit(bytes[i])) fail('Miss fraction part in number.');
      while (isDigit(bytes[i])) i++;
      isDouble = true;
    }
    if (bytes[i] === 0x65 || bytes[i] === 0x45) {
      i++;
      if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
      if (!isDigit(bytes[i])) fail('Miss exponent in number.');
      while (isDigit(bytes[i])) i++;
      isDouble = true;
    }
    const textNum = bytes.subarray(start, i).toString('latin1');
    if (!isDouble) {
      const big = BigInt(bytes.subarray(start, intEnd).toString('latin1'));
      // rapidjson keeps integers that fit 64 bits as integers, else falls back to double.
      if (big >= INT32_MIN && big <= INT32_MAX) return { t: 'num', v: Number(big), kind: 'int', big, raw: textNum };
      if (big >= 0n && big <= UINT32_MAX) return { t: 'num', v: Number(big), kind: 'uint', big, raw: textNum };
      if (big >= INT64_MIN && big < 0n) return { t: 'num', v: Number(big), kind: 'int64', big, raw: textNum };
      if (big >= 0n && big < 2n ** 63n) return { t: 'num', v: Number(big), kind: 'int64', big, raw: textNum };
      if (big >= 0n && big <= UINT64_MAX) return { t: 'num', v: Number(big), kind: 'uint64', big, raw: textNum };
    }
    const v = Number(textNum);
    if (!Number.isFinite(v)) fail('Number too big to be stored in double.', start);
    return { t: 'num', v, kind: 'double', raw: textNum };
  }

  ws();
  if (i >= bytes.length) fail('The document is empty.');
  const root = value();
  ws();
  if (i < bytes.length) fail('The document root must not be followed by other values.');
  return root;
}

export const member = (o: JValue, name: string): JValue | undefined =>
  o.t === 'obj' ? o.members.find(([k]) => k === name)?.[1] : undefined;

/** rapidjson's Is*() predicates on numbers. */
export const isInt = (v: JValue) => v.t === 'num' && v.kind === 'int';
export const isUint = (v: JValue) => v.t === 'num' && v.big !== undefined && v.big >= 0n && v.big <= UINT32_MAX;
export const isInt64 = (v: JValue) => v.t === 'num' && v.big !== undefined && v.big >= INT64_MIN && v.big < 2n ** 63n;
export const isUint64 = (v: JValue) => v.t === 'num' && v.big !== undefined && v.big >= 0n;

/** JValue -> plain JS (numbers as numbers; for tests and predictors). */
export function toPlain(v: JValue): unknown {
  switch (v.t) {
    case 'null': return null;
    case 'bool': case 'num': case 'str': return v.v;
    case 'arr': return v.items.map(toPlain);
    case 'obj': return Object.fromEntries(v.members.map(([k, x]) => [k, toPlain(x)]));
  }
}
