/**
 * Packing a state's domains into 32-bit words.
 *
 * Each domain gets a block. A block of at most 32 bits is "small": it lives inside one word at some bit
 * offset and never straddles a word boundary, so one load, a shift and a mask read any scalar. Larger
 * blocks are word-aligned runs of words. Records pack their fields first-fit in declaration order;
 * arrays repeat their element block at a fixed stride, so every element of an array shares one layout
 * (and one accessor prototype) relative to its own base. The packing is a pure function of the
 * domains, so equal states always pack to equal words: the packed words are the canonical form that
 * the engine hashes.
 *
 * @module
 */

import { type Domain, isScalar, type ScalarDomain, scalarSize } from "./domain.ts";

/** The layout of a scalar: `bits` wide at a relative bit offset fixed by its parent. */
export interface ScalarShape {
  readonly kind: "scalar";
  readonly domain: ScalarDomain;
  readonly bits: number;
  readonly small: true;
  readonly size: number;
}

/** Where a field sits relative to its record's base. */
export interface FieldPlacement {
  readonly name: string;
  readonly shape: Shape;
  readonly word: number;
  readonly shift: number;
}

/** The layout of a record. `size` is in bits when `small`, else in words. */
export interface RecordShape {
  readonly kind: "record";
  readonly fields: readonly FieldPlacement[];
  readonly small: boolean;
  readonly size: number;
}

/**
 * The layout of an array. Element `i` sits at word `i / perWord` (integer division) and bit
 * `(i % perWord) * elementBits` for small elements; at word `i * elementWords` otherwise.
 */
export interface ArrayShape {
  readonly kind: "array";
  readonly element: Shape;
  readonly length: number;
  /** Elements per word, when the element is small; 0 otherwise. */
  readonly perWord: number;
  /** Words per element, when the element is not small; 0 otherwise. */
  readonly elementWords: number;
  readonly small: boolean;
  readonly size: number;
}

/** The layout of any domain. */
export type Shape = ScalarShape | RecordShape | ArrayShape;

/** Bits needed to store `size` distinct values. */
export function bitsFor(size: number): number {
  return size <= 1 ? 0 : 32 - Math.clz32(size - 1);
}

/** Lays out a domain. */
export function shapeOf(domain: Domain): Shape {
  if (isScalar(domain)) {
    const bits = bitsFor(scalarSize(domain));
    return { kind: "scalar", domain, bits, small: true, size: bits };
  }
  if (domain.kind === "array") return arrayShape(domain.length, shapeOf(domain.element));
  return recordShape(Object.entries(domain.fields).map(([name, field]) => [name, shapeOf(field)]));
}

function arrayShape(length: number, element: Shape): ArrayShape {
  if (element.small) {
    const elementBits = element.size;
    if (elementBits * length <= 32) {
      return {
        kind: "array",
        element,
        length,
        perWord: 32,
        elementWords: 0,
        small: true,
        size: elementBits * length,
      };
    }
    const perWord = Math.floor(32 / elementBits);
    return {
      kind: "array",
      element,
      length,
      perWord,
      elementWords: 0,
      small: false,
      size: Math.ceil(length / perWord),
    };
  }
  return {
    kind: "array",
    element,
    length,
    perWord: 0,
    elementWords: element.size,
    small: false,
    size: element.size * length,
  };
}

function recordShape(fields: [string, Shape][]): RecordShape {
  const smallBits = fields.reduce((sum, [, shape]) => sum + (shape.small ? shape.size : 33), 0);
  if (smallBits <= 32) {
    let shift = 0;
    const placed = fields.map(([name, shape]) => {
      const placement = { name, shape, word: 0, shift };
      shift += shape.size;
      return placement;
    });
    return { kind: "record", fields: placed, small: true, size: shift };
  }
  // First fit: a small field goes into the first word with room, a large one at the end. Only the words
  // opened for small fields are tracked (a large field's words are full), so that laying out an array of
  // millions of words takes no longer than one of a few: the size is refused afterwards, not allocated.
  const open: { word: number; bits: number }[] = [];
  let words = 0;
  const placed = fields.map(([name, shape]): FieldPlacement => {
    if (shape.small) {
      if (shape.size === 0 && words > 0) {
        // A field of one value takes no bits: it sits in the first word, full or not.
        return { name, shape, word: 0, shift: open[0]?.word === 0 ? open[0].bits : 32 };
      }
      let slot = open.find((o) => o.bits + shape.size <= 32);
      if (slot === undefined) open.push(slot = { word: words++, bits: 0 });
      const shift = slot.bits;
      slot.bits += shape.size;
      return { name, shape, word: slot.word, shift };
    }
    const word = words;
    words += shape.size;
    return { name, shape, word, shift: 0 };
  });
  return { kind: "record", fields: placed, small: false, size: Math.max(1, words) };
}

/** Number of 32-bit words a whole state of this record shape occupies (at least one). */
export function wordsOf(shape: Shape): number {
  return shape.small ? 1 : shape.size;
}
