/**
 * The subset of Python's literal syntax that numpy writes in .npy headers (`{'descr': '<f8',
 * 'fortran_order': False, 'shape': (3, 4), }`). Hand-written because it is this small and the header is
 * untrusted text: no `eval`, bounded nesting.
 */
import { quote } from './validate.js';

/**
 * Parse the subset of Python literal syntax numpy headers use: dicts, tuples, lists, quoted strings,
 * integers (with Python 2's `L` suffix), True/False/None. Dicts become Maps; tuples become arrays.
 * Deliberately not `eval`: the header is untrusted text.
 */
export function parsePyLiteral(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /[ \t\r\n]/.test(text[i])) i++;
  };
  const expect = (ch: string): void => {
    ws();
    if (text[i] !== ch) throw new Error(`expected '${ch}' at character ${i + 1}`);
    i++;
  };
  const value = (depth: number): unknown => {
    if (depth > 16) throw new Error('nested too deeply');
    ws();
    const ch = text[i];
    if (ch === undefined) throw new Error('ends early');
    if (ch === '{') {
      i++;
      const map = new Map<unknown, unknown>();
      for (ws(); text[i] !== '}'; ws()) {
        const key = value(depth + 1);
        expect(':');
        map.set(key, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') throw new Error(`expected ',' or '}' at character ${i + 1}`);
      }
      i++;
      return map;
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      i++;
      const items: unknown[] = [];
      for (ws(); text[i] !== close; ws()) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw new Error(`expected ',' or '${close}' at character ${i + 1}`);
      }
      i++;
      return items;
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new Error('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const word = /^(?:[+-]?\d+L?|True|False|None)/.exec(text.slice(i, i + 40));
    if (!word) throw new Error(`unexpected ${quote(text.slice(i, i + 10))} at character ${i + 1}`);
    i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', ''));
  };
  const result = value(0);
  ws();
  if (i < text.length) throw new Error(`unexpected text after the dict at character ${i + 1}`);
  return result;
}
