import { describe, expect, it } from 'vitest';
import { MalformedDocumentError } from './document.js';
import { invertName, splitAuthorList } from './record-fields.js';
import { MAX_DEPTH, NS, attr, childElements, childText, firstChild, readXml, textOf } from './xml-reader.js';

describe('readXml', () => {
  it('resolves namespaces, so prefixes do not matter', () => {
    const a = readXml('<f xmlns="http://www.w3.org/2005/Atom" xmlns:x="http://arxiv.org/schemas/atom"><x:doi>1</x:doi></f>', 'o');
    const b = readXml('<a:f xmlns:a="http://www.w3.org/2005/Atom"><doi xmlns="http://arxiv.org/schemas/atom">1</doi></a:f>', 'o');
    for (const root of [a, b]) {
      expect(root).toMatchObject({ uri: NS.atom, local: 'f' });
      expect(childText(root, NS.arxivAtom, 'doi')).toBe('1');
    }
  });

  it('merges text, CDATA and entities; keeps attributes by local name', () => {
    const root = readXml('<r><e a="1 &amp; 2" xml:lang="en">x<![CDATA[<y>]]>&#x41;<i>z</i></e></r>', 'o');
    const e = firstChild(root, '', 'e')!;
    expect(textOf(e)).toBe('x<y>Az');
    expect(attr(e, 'a')).toBe('1 & 2');
    expect(attr(e, 'lang', 'http://www.w3.org/XML/1998/namespace')).toBe('en');
    expect(childElements(e)).toHaveLength(1);
  });

  it.each([
    ['<a><b></a>', /^o: unexpected close tag at line 1, column \d+$/],
    ['<a>', /^o: unclosed tag: a at line 1, column \d+$/],
    ['<a>\n\n  <b>&nbsp;</b></a>', /^o: undefined entity at line 3, column \d+$/],
    ['<a x:y="1"/>', /^o: unbound namespace prefix: "x" at line 1, column \d+$/],
    ['<a/><b/>', /^o: documents may contain only one root at line 1, column \d+$/],
    ['', /^o: document must contain a root element at line 1, column \d+$/],
    ['<a>]]></a>', /^o: the string "\]\]>" is disallowed in char data at line 1, column \d+$/],
  ])('rejects %j', (xml, message) => {
    expect(() => readXml(xml, 'o')).toThrow(MalformedDocumentError);
    expect(() => readXml(xml, 'o')).toThrow(message);
  });

  it('accepts nesting up to MAX_DEPTH and refuses deeper documents quickly', () => {
    const nested = (depth: number) => `${'<d>'.repeat(depth)}x${'</d>'.repeat(depth)}`;
    expect(textOf(readXml(nested(MAX_DEPTH), 'o'))).toBe('x');
    expect(() => readXml(nested(MAX_DEPTH + 1), 'o')).toThrow(
      new RegExp(`^o: elements nested deeper than ${MAX_DEPTH} levels at line 1, column \\d+$`),
    );
    const started = performance.now();
    expect(() => readXml(nested(200_000), 'o')).toThrow(MalformedDocumentError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('author names', () => {
  it.each([
    ['C. Bal\\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan', ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan']],
    ['Ileana Streinu and Louis Theran', ['Ileana Streinu', 'Louis Theran']],
    ['A. Smith, B. Jones, and C. Brown', ['A. Smith', 'B. Jones', 'C. Brown']],
    ['Leonid Petrov (1), Yuri Kovalev (2) ((1) NVI, (2) MPIfR)', ['Leonid Petrov', 'Yuri Kovalev']],
    ['John Doe, Jr., Alexander Anderson', ['John Doe Jr.', 'Alexander Anderson']],
    ['  ', []],
  ])('splits %j', (raw, names) => {
    expect(splitAuthorList(raw)).toEqual(names);
  });

  it.each([
    ['Liepins, Vilnis', 'Vilnis Liepins'],
    ['Yuan, C. -P.', 'C. -P. Yuan'],
    ['Smith, John, Jr.', 'John Smith Jr.'],
    ['Smith, Jr., John', 'John Smith Jr.'],
    ['ATLAS Collaboration', 'ATLAS Collaboration'],
  ])('inverts %j', (raw, name) => {
    expect(invertName(raw)).toBe(name);
  });
});
