import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'é' }], c: undefined } })).toBe('{"a":{"d":[3,{"y":"é","z":null}]},"b":1}');
  });
  it('gives the same text for the same content written in another key order', () => {
    expect(canonicalJson(JSON.parse('{"x":1,"y":{"b":2,"a":1}}'))).toBe(canonicalJson(JSON.parse('{"y":{"a":1,"b":2},"x":1}')));
  });
  it('writes an undefined item of an array as null and a hole as nothing, as Array.prototype.join does', () => {
    expect(canonicalJson([1, undefined, null, , { a: undefined }, []])).toBe('[1,null,null,,{},[]]');
    expect(canonicalJson({ é: 1, e: 2, Z: 3, 10: 4, 9: 5 })).toBe('{"10":4,"9":5,"Z":3,"e":2,"é":1}');
  });
  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ v: Number.NaN })).toThrow(TypeError);
  });
});
