/**
 * Numbers written the way TF Serving's json_tensor.cc WriteDecimal writes them: six significant
 * digits (`%g`, as absl::StrCat does), full precision (`%.9g` float / `%.17g` double) only when six
 * digits do not read back to the same value, `.0` appended to whole numbers not in exponent form,
 * and NaN / Infinity / -Infinity unquoted.
 */

export type DecimalType = 'float' | 'double';

/** printf `%.<p>g` with round-half-even on exact ties, as glibc does. */
export function formatG(x: number, p: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let exp = x.toExponential(p - 1);
  // JS rounds exact ties away from zero; printf rounds them to even. Detect an exact tie.
  const longer = x.toExponential(p);
  const [lm, le] = longer.split('e');
  if (lm.endsWith('5') && Number(`${lm}e${le}`) === x) {
    const [m, e] = exp.split('e');
    const lastDigit = Number(m.replace(/[^0-9]/g, '').slice(-1));
    if (lastDigit % 2 === 1) {
      // toExponential rounded up to an odd digit; round down instead (truncate the longer form).
      const truncated = lm.slice(0, -1).replace(/\.$/, '');
      exp = `${truncated}e${le}`;
      void e;
    }
  }
  const [mant, eStr] = exp.split('e');
  const X = Number(eStr);
  if (X < -4 || X >= p) {
    const m = stripZeros(mant);
    const sign = X < 0 ? '-' : '+';
    const ax = Math.abs(X);
    return `${m}e${sign}${ax < 10 ? '0' : ''}${ax}`;
  }
  // Fixed notation with p-1-X decimals, built from the (already correctly rounded) mantissa digits.
  const negative = mant.startsWith('-');
  const digits = mant.replace(/[-.]/g, '');
  let s: string;
  if (X >= 0) {
    const intPart = digits.slice(0, X + 1).padEnd(X + 1, '0');
    s = `${intPart}.${digits.slice(X + 1)}`;
  } else {
    s = `0.${'0'.repeat(-X - 1)}${digits}`;
  }
  return (negative ? '-' : '') + stripZeros(s);
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/** Reads a decimal back as the given type (SimpleAtof / SimpleAtod). */
const readBack = (s: string, t: DecimalType) => (t === 'float' ? Math.fround(Number(s)) : Number(s));

export function formatDecimal(value: number, type: DecimalType): string {
  const v = type === 'float' ? Math.fround(value) : value;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v < 0 ? '-Infinity' : 'Infinity';
  let s = formatG(v, 6);
  if (readBack(s, type) !== v) s = formatG(v, type === 'float' ? 9 : 17);
  if (!s.includes('.') && !s.includes('e')) s += '.0';
  return s;
}

/** How rapidjson's Writer prints a double inside a generic value (only used in error texts). */
export function formatRapidDouble(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return `${v}.0`;
  return String(v).replace('e+', 'e');
}
