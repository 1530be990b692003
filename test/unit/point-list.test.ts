import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Overlay } from '../../src/store/overlay.js';
import { PointList } from '../../src/store/point-list.js';
import type { Point } from '../../src/types.js';

const point = (id: number): Point => ({ id, doc: `d${id % 3}`, citation: `d${id % 3}#p${id}`, kind: 'paragraph', paragraph: id, text: `text ${id}` }) as Point;

describe('PointList', () => {
  it('GIVEN a plain list THEN toArray is the array itself; extended THEN the base is read in place', () => {
    const base = [point(0), point(1)];
    expect(PointList.of(base).toArray()).toBe(base);
    const list = PointList.of(base).concat([point(2)]);
    base[1] = point(99);
    expect(list.at(1)!.id).toBe(99);
  });

  it('GIVEN any sequence of extensions THEN it reads as the concatenated array, stays shallow, reading as the concatenated array', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }), (baseSize, steps) => {
        const base = Array.from({ length: baseSize }, (_, i) => point(i));
        const expected = [...base];
        let list = PointList.of(base);
        for (const n of steps) {
          const added = Array.from({ length: n }, (_, i) => point(expected.length + i));
          expected.push(...added);
          list = list.concat(added);
        }
        expect(list.length).toBe(expected.length);
        expect([...list]).toEqual(expected);
        for (let i = 0; i < expected.length; i++) expect(list.at(i)).toBe(expected[i]);
        expect(list.at(expected.length)).toBeUndefined();
        // A new layer only once the top outgrows what lies beneath: a view far smaller than its base is one layer.
        expect(list.depth).toBeLessThanOrEqual(1 + Math.max(0, Math.ceil(Math.log2(expected.length / baseSize))));
        if (expected.length - baseSize <= baseSize) expect(list.depth).toBeLessThanOrEqual(1);
        expect(list.filter((p) => p.id % 2 === 0)).toEqual(expected.filter((p) => p.id % 2 === 0));
      }),
    );
  });
});

describe('Overlay', () => {
  it('GIVEN overlays over overlays THEN each reads its own entries first, then its base’s, and deep chains are flattened with the same answers', () => {
    const base = new Map([['a', 1], ['b', 2]]);
    let top = new Overlay<string, number>(base);
    const layers = [top];
    for (let i = 0; i < 10; i++) {
      top = new Overlay(top).set(`k${i}`, i);
      layers.push(top);
    }
    top.set('a', 100);
    expect(top.get('a')).toBe(100);
    expect(top.get('b')).toBe(2);
    for (let i = 0; i < 10; i++) expect(top.get(`k${i}`)).toBe(i);
    expect(top.get('missing')).toBeUndefined();
    expect(top.depth).toBeLessThanOrEqual(5);
    // A lower layer never sees what was added above it.
    expect(layers[3]!.get('k5')).toBeUndefined();
    expect(base.get('a')).toBe(1);
    expect(new Map(top.entries())).toEqual(new Map([['a', 100], ['b', 2], ...Array.from({ length: 10 }, (_, i) => [`k${i}`, i] as [string, number])]));
  });
});
