const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i;

const SPACE = 32;
const NEWLINE = 10;

/** FNV-1a over a byte range: cheap, and good enough spread for linear probing. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A tiktoken vocabulary (byte sequence -> rank), read from the `bpe_ranks` text that js-tiktoken
 * ships (`"! <first rank> <base64 token> <base64 token>..."`, ranks consecutive per line).
 *
 * Stored as an open-addressing hash table over typed arrays rather than a Map<string, number>:
 * building the Map for o200k_base (200K tokens) took ~330 ms here, most of it base64 decoding
 * into strings and Map growth; this takes about a third of that, and a lookup hashes a byte range
 * in place instead of building a string per candidate merge.
 */
export class BpeRankTable {
  /** Every token's bytes, back to back. */
  private readonly bytes: Uint8Array;
  /** Token i is bytes[offsets[i], offsets[i + 1]). */
  private readonly offsets: Int32Array;
  private readonly ranks: Int32Array;
  /** Hash slot -> token index, -1 when empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  readonly size: number;

  constructor(bpeRanks: string) {
    let tokens = 0;
    for (let i = 0; i < bpeRanks.length; i++) {
      const c = bpeRanks.charCodeAt(i);
      if (c === SPACE || c === NEWLINE) tokens++;
    }
    const bytes = new Uint8Array(Math.ceil((bpeRanks.length * 3) / 4));
    const offsets = new Int32Array(tokens + 2);
    const ranks = new Int32Array(tokens + 1);

    let n = 0;
    let length = 0;
    let pos = 0;
    while (pos < bpeRanks.length) {
      let eol = bpeRanks.indexOf("\n", pos);
      if (eol < 0) eol = bpeRanks.length;
      const first = bpeRanks.indexOf(" ", pos);
      const second = first < 0 || first >= eol ? -1 : bpeRanks.indexOf(" ", first + 1);
      if (second < 0 || second >= eol) {
        pos = eol + 1;
        continue;
      }
      let rank = Number(bpeRanks.slice(first + 1, second));
      let acc = 0;
      let bits = 0;
      offsets[n] = length;
      for (let i = second + 1; i <= eol; i++) {
        const c = i < eol ? bpeRanks.charCodeAt(i) : SPACE;
        if (c === SPACE) {
          if (length > offsets[n]!) {
            ranks[n++] = rank++;
            offsets[n] = length;
          }
          acc = 0;
          bits = 0;
          continue;
        }
        const value = c < 128 ? BASE64_VALUE[c]! : -1;
        if (value < 0) continue; // "=" padding
        acc = ((acc << 6) | value) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          bytes[length++] = (acc >> bits) & 0xff;
        }
      }
      pos = eol + 1;
    }

    let capacity = 1;
    while (capacity < n * 2) capacity <<= 1;
    const slots = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (let t = 0; t < n; t++) {
      let slot = hashBytes(bytes, offsets[t]!, offsets[t + 1]!) & mask;
      while (slots[slot] !== -1) slot = (slot + 1) & mask;
      slots[slot] = t;
    }

    this.bytes = bytes;
    this.offsets = offsets;
    this.ranks = ranks;
    this.slots = slots;
    this.mask = mask;
    this.size = n;
  }

  /** The rank of bytes[start, end) as one token, or -1 when it is not a token. */
  rank(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    let slot = hashBytes(bytes, start, end) & this.mask;
    for (;;) {
      const token = this.slots[slot]!;
      if (token === -1) return -1;
      const from = this.offsets[token]!;
      if (this.offsets[token + 1]! - from === length) {
        let i = 0;
        while (i < length && this.bytes[from + i] === bytes[start + i]) i++;
        if (i === length) return this.ranks[token]!;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}
