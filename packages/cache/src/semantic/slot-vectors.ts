import { similarityAt } from "./vector-math.ts";

/** log2 of the slots per block once a partition outgrows its first block. */
const BLOCK_BITS = 10;
/** 1,024 slots: 6 MiB at 1536 dimensions, allocated in ~a millisecond. */
const BLOCK_SLOTS = 1 << BLOCK_BITS;
const SLOT_MASK = BLOCK_SLOTS - 1;

/**
 * One partition's vectors, packed: slot i's vector is at `(i & 1023) * dims` in block `i >> 10`,
 * so a lookup is a linear pass over a few Float32Arrays (no per-entry objects to chase).
 *
 * In blocks rather than one array that doubles: doubling one array copies every vector held,
 * which held the event loop for 0.15 s at 8,192 entries of 1536 dimensions and 1.2 s at 65,536
 * (bench/semantic-index.bench.ts, the replay). A partition's first block still starts small and
 * doubles (a gateway may hold many small partitions), up to one full block; after that each
 * growth adds one block and copies nothing.
 */
export class SlotVectors {
  #blocks: Float32Array[];

  constructor(
    readonly dims: number,
    readonly minSlots: number,
  ) {
    this.#blocks = [new Float32Array(minSlots * dims)];
  }

  get capacity(): number {
    const first = this.#blocks[0]!.length / this.dims;
    return this.#blocks.length === 1 ? first : this.#blocks.length * BLOCK_SLOTS;
  }

  /** Room for at least one more slot; `maxSlots` caps the first block's doubling. */
  grow(maxSlots: number): void {
    const first = this.#blocks[0]!.length / this.dims;
    if (this.#blocks.length === 1 && first < BLOCK_SLOTS) {
      // Only a full first block may be followed by another (the slot-to-block arithmetic).
      this.#resizeFirst(Math.min(BLOCK_SLOTS, first * 2, Math.max(maxSlots, first + 1)));
    } else {
      this.#blocks.push(new Float32Array(BLOCK_SLOTS * this.dims));
    }
  }

  /**
   * Gives back room that `count` entries no longer need: blocks past one spare (so a partition
   * at a block's edge does not allocate and free on every add and remove), or half of a lone
   * first block that is a quarter full. Whether the capacity changed.
   */
  shrink(count: number): boolean {
    if (this.#blocks.length > 1) {
      const keep = Math.ceil(count / BLOCK_SLOTS) + 1;
      if (this.#blocks.length <= keep) return false;
      this.#blocks.length = keep;
      return true;
    }
    const slots = this.capacity;
    if (slots <= this.minSlots || count > slots / 4) return false;
    this.#resizeFirst(Math.max(this.minSlots, Math.ceil(slots / 2)));
    return true;
  }

  set(slot: number, vector: Float32Array): void {
    this.#blocks[slot >> BLOCK_BITS]!.set(vector, (slot & SLOT_MASK) * this.dims);
  }

  /** A view, not a copy: valid until the slot is written, moved or the storage shrinks. */
  at(slot: number): Float32Array {
    const offset = (slot & SLOT_MASK) * this.dims;
    return this.#blocks[slot >> BLOCK_BITS]!.subarray(offset, offset + this.dims);
  }

  move(from: number, to: number): void {
    this.set(to, this.at(from));
  }

  /** `similarityAt` (vector-math.ts) of the slot's vector and the unit vector `q`. */
  similarity(slot: number, q: Float32Array): number {
    return similarityAt(this.#blocks[slot >> BLOCK_BITS]!, (slot & SLOT_MASK) * this.dims, q);
  }

  #resizeFirst(slots: number): void {
    const block = new Float32Array(slots * this.dims);
    const old = this.#blocks[0]!;
    block.set(old.length <= block.length ? old : old.subarray(0, block.length));
    this.#blocks[0] = block;
  }
}
